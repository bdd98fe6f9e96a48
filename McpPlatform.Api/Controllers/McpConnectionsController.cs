using McpPlatform.Api.Auth;
using McpPlatform.Api.Contracts;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting;
using McpPlatform.Domain.Connections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Controllers;

/// <summary>Connections and tools: reinitialize, status, tool catalogue, tool calls and credential flags.
/// Unknown and invisible servers are the same 404, so existence is not revealed.</summary>
[ApiController]
[Route("api/mcp")]
[Authorize(Policy = McpPolicies.Use)]
public sealed class McpConnectionsController(
    ReinitializeService reinitialize,
    ToolCallService toolCalls,
    ConnectionStatusService status,
    ToolCatalogService catalog,
    ToolCatalogResponses catalogResponses,
    CredentialService credentials,
    Domain.OAuth.OAuthFlowStarter oauth,
    Domain.OAuth.OAuthOptions oauthOptions) : ControllerBase
{
    /// <summary>Every usable server with its tools, from the tool cache (never waits on a server).</summary>
    [HttpGet("tools")]
    [Produces("application/json")]
    [ProducesResponseType<ToolsResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Tools(CancellationToken ct) =>
        File(await catalogResponses.GetAsync(HttpContext.GetCaller(), catalog, ct), "application/json; charset=utf-8");

    /// <summary>Disconnects, clears the caller's cached tools for the server and connects again. When the server needs
    /// authorization, the answer carries its URL and binds this browser to the flow (as <c>oauth/bind</c> does).</summary>
    [HttpPost("{serverName}/reinitialize")]
    [EnableRateLimiting(RateLimits.Reinitialize)]
    [ProducesResponseType<ReinitializeResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Reinitialize(string serverName, CancellationToken ct)
    {
        var caller = HttpContext.GetCaller();
        var outcome = await reinitialize.ReinitializeAsync(caller, serverName, ct);
        if (outcome is { IsSuccess: true, Value.OAuthUrl: not null })
        {
            OAuthBrowserCookie.Write(Response, oauth.ProveBrowser(caller, outcome.Value.ServerName), oauthOptions);
        }

        return outcome.ToActionResult(this, ReinitializeResponse.From);
    }

    /// <summary>The connection state of every usable server, from what this instance knows (never connects).</summary>
    [HttpGet("connection/status")]
    [ProducesResponseType<ConnectionStatusResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Status(CancellationToken ct)
    {
        var all = await status.StatusAllAsync(HttpContext.GetCaller(), ct);
        return Ok(new ConnectionStatusResponse(true, all.ToDictionary(
            s => s.ServerName,
            s => new ServerConnectionStatus(s.RequiresOAuth, ConnectionStates.ToWire(s.State), s.Error))));
    }

    [HttpGet("connection/status/{serverName}")]
    [ProducesResponseType<SingleConnectionStatusResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> ServerStatus(string serverName, CancellationToken ct) =>
        (await status.StatusAsync(HttpContext.GetCaller(), serverName, ct)).ToActionResult(this, SingleConnectionStatusResponse.From);

    /// <summary>Which of the server's variables the caller has set: booleans, never values.</summary>
    [HttpGet("{serverName}/auth-values")]
    [ProducesResponseType<AuthValuesResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> AuthValues(string serverName, CancellationToken ct) =>
        (await credentials.AuthValueFlagsAsync(HttpContext.GetCaller(), serverName, ct)).ToActionResult(this, flags => new AuthValuesResponse(true, serverName, flags));

    /// <summary>★ Runs a tool with <c>{arguments}</c> on the caller's connection and returns the MCP
    /// <c>CallToolResult</c>. Authorization needed → 403 <c>oauth_required</c>; unknown tool 404; upstream timeout
    /// 504, failure 502, circuit open 503.</summary>
    [HttpPost("{serverName}/tools/{toolName}/call")]
    [EnableRateLimiting(RateLimits.ToolCall)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status502BadGateway)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status504GatewayTimeout)]
    public async Task<IActionResult> CallTool(string serverName, string toolName, [FromBody] ToolCallRequest? request, CancellationToken ct)
    {
        var result = await toolCalls.CallToolAsync(HttpContext.GetCaller(), serverName, toolName, request?.Arguments, ct);
        return result.ToActionResult(this, r => (IActionResult)new ContentResult { Content = r.Result.GetRawText(), ContentType = "application/json", StatusCode = 200 });
    }
}

/// <summary>LibreChat's plugin-auth route, for MCP credential variables only (<c>pluginKey: mcp_&lt;server&gt;</c>).</summary>
[ApiController]
[Route("api/user/plugins")]
[Authorize(Policy = McpPolicies.Use)]
public sealed class UserPluginsController(CredentialService credentials) : ControllerBase
{
    /// <summary><c>install</c> stores the caller's values (encrypted), <c>uninstall</c> deletes them; either way the
    /// caller's connection is closed and cached tools cleared. Empty 200.</summary>
    [HttpPost]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Update([FromBody] UserPluginsRequest request, CancellationToken ct) =>
        (await credentials.UpdateAsync(HttpContext.GetCaller(), request.PluginKey, request.Action, request.Auth, ct)).ToActionResult(this, _ => (IActionResult)Ok());
}
