using System.Net;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Domain.OAuth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.OAuth;

/// <summary>Authorizing the platform, with OAuth, to use MCP servers on your behalf (LibreChat's <c>/api/mcp/…/oauth</c>
/// routes): start a flow, the authorization server's callback, flow status, cancel, and disconnect.</summary>
[ApiController]
[Route("api/mcp")]
public sealed class McpOAuthController(OAuthApplicationService flows, OAuthFlowQueries oauth, OAuthOptions options) : ControllerBase
{
    /// <summary>Starts (or resumes) your OAuth authorization for an MCP server.</summary>
    /// <remarks>
    /// Redirects (302) to the authorization server: your pending flow's URL, or a new flow's. It also binds this browser
    /// to the flow, so follow it in the browser that is to come back to the callback. <c>userId</c> and <c>flowId</c>,
    /// which LibreChat's SPA may send, must be your own.
    /// </remarks>
    [HttpGet("{serverName}/oauth/initiate")]
    [Authorize(Policy = McpPolicies.Use)]
    [EnableRateLimiting(RateLimits.OAuthInitiate)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Initiate(string serverName, [FromQuery] string? userId, [FromQuery] string? flowId, CancellationToken ct) =>
        (await flows.InitiateAsync(HttpContext.GetCaller(), serverName, userId, flowId, ct)).ToActionResult(this, flow =>
        {
            OAuthBrowserCookie.Write(Response, flow.BrowserProof, options);
            return Redirect(flow.AuthorizationUrl);
        });

    /// <summary>Binds this browser to your OAuth flow for an MCP server.</summary>
    /// <remarks>
    /// LibreChat's SPA calls it before opening an authorization URL. It sets an HttpOnly cookie that the callback
    /// requires, so a code delivered by any other browser is refused. Answers <c>{success: true}</c>.
    /// </remarks>
    [HttpPost("{serverName}/oauth/bind")]
    [Authorize(Policy = McpPolicies.Use)]
    [EnableRateLimiting(RateLimits.OAuthInitiate)]
    [ProducesResponseType<BindResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Bind(string serverName, CancellationToken ct) =>
        (await flows.BindAsync(HttpContext.GetCaller(), serverName, ct)).ToActionResult(this, proof =>
        {
            OAuthBrowserCookie.Write(Response, proof, options);
            return Ok(new BindResponse(true));
        });

    /// <summary>Where the authorization server sends your browser back (not called directly).</summary>
    /// <remarks>
    /// Needs no token, but the flow's single-use <c>state</c> and the cookie of the browser that started the flow (set by
    /// bind, initiate or reinitialize). Always redirects: to the web client's <c>/oauth/success?serverName=</c>, or its
    /// <c>/oauth/error?error=</c> (<c>csrf_validation_failed</c> when another browser brings the code back); without a
    /// web client configured, to the API's own pages.
    /// </remarks>
    [HttpGet("{serverName}/oauth/callback")]
    [AllowAnonymous]
    [EnableRateLimiting(RateLimits.OAuthCallback)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    public async Task<IActionResult> Callback(string serverName, [FromQuery] string? code, [FromQuery] string? state, [FromQuery] string? error, [FromQuery] string? iss, CancellationToken ct)
    {
        var outcome = await flows.CompleteAsync(serverName, code, state, error, iss, name => OAuthBrowserCookie.Read(Request, name), ct);
        var target = outcome.Success
            ? $"{ClientBase()}/oauth/success?serverName={WebUtility.UrlEncode(outcome.ServerName ?? serverName)}"
            : $"{ClientBase()}/oauth/error?error={WebUtility.UrlEncode(outcome.Error ?? "callback_failed")}";
        return Redirect(target);
    }

    /// <summary>Shows what tokens your OAuth flow left.</summary>
    /// <remarks>
    /// Their type, expiry (epoch milliseconds), scope and whether there is a refresh token; never the tokens themselves.
    /// <c>flowId</c> is <c>&lt;your user id&gt;:&lt;server name&gt;</c>.
    /// </remarks>
    [HttpGet("oauth/tokens/{flowId}")]
    [Authorize]
    [ProducesResponseType<TokensResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Tokens(string flowId, CancellationToken ct) =>
        (await oauth.TokenInfoAsync(HttpContext.GetCaller(), flowId, ct)).ToActionResult(this,
            t => new TokensResponse(new TokenInfoResponse(t.TokenType, t.ExpiresAt?.ToUnixTimeMilliseconds(), t.Scope, t.HasRefreshToken)));

    /// <summary>Shows the state of your OAuth flow.</summary>
    /// <remarks>
    /// LibreChat's <c>{status, completed, failed, error}</c>, for your own flows only. <c>flowId</c> is <c>&lt;your user id&gt;:&lt;server name&gt;</c>.
    /// </remarks>
    [HttpGet("oauth/status/{flowId}")]
    [Authorize]
    [ProducesResponseType<FlowStatusResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Status(string flowId, CancellationToken ct) =>
        (await oauth.StatusAsync(HttpContext.GetCaller(), flowId, ct)).ToActionResult(this, s => new FlowStatusResponse(s.Status, s.Completed, s.Failed, s.Error));

    /// <summary>Cancels your pending OAuth flow for an MCP server.</summary>
    [HttpPost("oauth/cancel/{serverName}")]
    [Authorize]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType<SuccessResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Cancel(string serverName, CancellationToken ct) =>
        Ok(new SuccessResponse(true, await oauth.CancelAsync(HttpContext.GetCaller(), serverName, ct)));

    /// <summary>Disconnects your OAuth authorization from an MCP server.</summary>
    /// <remarks>
    /// Revokes your tokens at the authorization server where it supports revocation (RFC 7009), deletes them, closes
    /// your connection and forgets its cached tools. Not in LibreChat's API.
    /// </remarks>
    [HttpDelete("{serverName}/oauth/tokens")]
    [Authorize(Policy = McpPolicies.Use)]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType<SuccessResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Disconnect(string serverName, CancellationToken ct) =>
        (await flows.DisconnectAsync(HttpContext.GetCaller(), serverName, ct)).ToActionResult(this, message => new SuccessResponse(true, message));

    /// <summary>The platform's OAuth client metadata document.</summary>
    /// <remarks>
    /// For authorization servers that accept a URL as the client id instead of a registration (Client ID Metadata
    /// Documents): the platform's client is published at <c>OAuth:ClientMetadataUrl</c>. 404 when that is not configured.
    /// </remarks>
    [HttpGet("/oauth/client-metadata.json")]
    [AllowAnonymous]
    [ProducesResponseType<ClientMetadataResponse>(StatusCodes.Status200OK)]
    public IActionResult ClientMetadata() => flows.ClientMetadata().ToActionResult(this, document => document);

    private string ClientBase() => (options.ClientBaseUrl ?? string.Empty).TrimEnd('/');
}
