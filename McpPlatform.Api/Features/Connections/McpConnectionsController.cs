using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Domain.Connections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.Connections;

/// <summary>Connections and tools: reinitialize, status, tool catalogue, tool calls and credential flags.
/// Unknown and invisible servers are the same 404, so existence is not revealed.</summary>
[ApiController]
[Route("api/mcp")]
[Authorize(Policy = McpPolicies.Use)]
public sealed class McpConnectionsController(
    McpConnectionService connections,
    ToolCatalogService catalog,
    ToolCatalogResponses catalogResponses,
    CredentialService credentials,
    Domain.OAuth.OAuthService oauth,
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
        var outcome = await connections.ReinitializeAsync(caller, serverName, ct);
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
        var all = await connections.StatusAllAsync(HttpContext.GetCaller(), ct);
        return Ok(new ConnectionStatusResponse(true, all.ToDictionary(
            s => s.ServerName,
            s => new ServerConnectionStatus(s.RequiresOAuth, ConnectionStates.ToWire(s.State), s.Error))));
    }

    [HttpGet("connection/status/{serverName}")]
    [ProducesResponseType<SingleConnectionStatusResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> ServerStatus(string serverName, CancellationToken ct) =>
        (await connections.StatusAsync(HttpContext.GetCaller(), serverName, ct)).ToActionResult(this, SingleConnectionStatusResponse.From);

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
        var result = await connections.CallToolAsync(HttpContext.GetCaller(), serverName, toolName, request?.Arguments, ct);
        return result.ToActionResult(this, r => (IActionResult)new ContentResult { Content = r.Result.GetRawText(), ContentType = "application/json", StatusCode = 200 });
    }
}
