using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Domain.Connections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.Connections;

/// <summary>Connecting to MCP servers and using their tools. A server you cannot use answers 404 exactly like one that
/// does not exist.</summary>
[ApiController]
[Route("api/mcp")]
[Authorize(Policy = McpPolicies.Use)]
public sealed class McpConnectionsController(
    ReinitializeService reinitialize,
    ToolCallService toolCalls,
    ConnectionStatusService status,
    ConnectionStatusResponses statusResponses,
    ToolCatalogService catalog,
    ToolCatalogResponses catalogResponses,
    CredentialService credentials,
    Domain.OAuth.OAuthFlowStarter oauth,
    Domain.OAuth.OAuthOptions oauthOptions) : ControllerBase
{
    /// <summary>Lists the tools of every MCP server you can use.</summary>
    /// <remarks>
    /// LibreChat's shape: <c>{servers: {name: {icon, authenticated, authConfig, tools}}}</c>. Tools come from the last
    /// listing of a connection to the server (yours, or the server's shared one), so a server shows no tools until it
    /// has been connected (reinitialize). <c>authenticated</c> is true once you have set all of the server's variables
    /// (LibreChat reports false whenever a server declares any). Never waits on a server. Carries a strong <c>ETag</c>:
    /// sent back in <c>If-None-Match</c>, it answers 304 while nothing changed.
    /// </remarks>
    [HttpGet("tools")]
    [Produces("application/json")]
    [ProducesResponseType<ToolsResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    public async Task<IActionResult> Tools(CancellationToken ct) =>
        catalogResponses.Render(await catalog.ListingAsync(HttpContext.GetCaller(), ct));

    /// <summary>Connects you to an MCP server again.</summary>
    /// <remarks>
    /// Closes your connection to the server, forgets its cached tools and connects anew. When the server needs OAuth,
    /// <c>oauthRequired</c> is true and <c>oauthUrl</c> is where to send your browser; this request then also binds your
    /// browser to that flow, as <c>oauth/bind</c> does. <c>missingUserVars</c> (not in LibreChat) lists the variables
    /// you have yet to set.
    /// </remarks>
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

    /// <summary>Shows the connection state of every MCP server you can use.</summary>
    /// <remarks>
    /// <c>connectionState</c> is <c>connected</c>, <c>connecting</c>, <c>disconnected</c> or <c>error</c>;
    /// <c>requiresOAuth</c> says whether you have to authorize. What the platform knows now: it never connects to answer.
    /// Carries a strong <c>ETag</c>: sent back in <c>If-None-Match</c>, it answers 304 while nothing changed.
    /// </remarks>
    [HttpGet("connection/status")]
    [ProducesResponseType<ConnectionStatusResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    public async Task<IActionResult> Status(CancellationToken ct) =>
        statusResponses.Render(await status.StatusListingAsync(HttpContext.GetCaller(), ct));

    /// <summary>Shows the connection state of one MCP server.</summary>
    [HttpGet("connection/status/{serverName}")]
    [ProducesResponseType<SingleConnectionStatusResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> ServerStatus(string serverName, CancellationToken ct) =>
        (await status.StatusAsync(HttpContext.GetCaller(), serverName, ct)).ToActionResult(this, SingleConnectionStatusResponse.From);

    /// <summary>Shows which of an MCP server's variables you have set.</summary>
    /// <remarks>Variable name → true or false; values are never shown.</remarks>
    [HttpGet("{serverName}/auth-values")]
    [ProducesResponseType<AuthValuesResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> AuthValues(string serverName, CancellationToken ct) =>
        (await credentials.AuthValueFlagsAsync(HttpContext.GetCaller(), serverName, ct)).ToActionResult(this, flags => new AuthValuesResponse(true, serverName, flags));

    /// <summary>Runs a tool of an MCP server.</summary>
    /// <remarks>
    /// The body is <c>{arguments}</c>, the tool's arguments as a JSON object; the answer is the MCP
    /// <c>CallToolResult</c> as the server sent it. Not in LibreChat's API (LibreChat runs tools inside its agents).
    /// 403 <c>oauth_required</c> with the authorization URL when you have to authorize first; 404 for an unknown server
    /// or tool; 502 when the server fails or its result is too large; 503 while calls to it are suspended after
    /// repeated failures (with <c>Retry-After</c>); 504 when it does not answer in time.
    /// </remarks>
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
