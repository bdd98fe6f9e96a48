using System.Net;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Domain.OAuth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.OAuth;

/// <summary>OAuth to remote MCP servers (the platform is the client): bind and initiate, the public callback, flow
/// status, cancel, and disconnect (revoke and delete the caller's tokens).</summary>
[ApiController]
[Route("api/mcp")]
public sealed class McpOAuthController(OAuthApplicationService flows, OAuthService oauth, OAuthOptions options) : ControllerBase
{
    /// <summary>302 to the authorization server: the caller's pending flow's URL, or a new flow's.</summary>
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

    /// <summary>Binds this browser to the caller's authorization flow for the server (LibreChat's CSRF binding, which
    /// its SPA calls before opening an authorization URL): sets an HttpOnly cookie that the callback requires, so
    /// a code delivered by any other browser is refused. <c>{success: true}</c>.</summary>
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

    /// <summary>The authorization server's redirect. Public, but bound: the unguessable single-use <c>state</c> and the
    /// cookie of the browser that started the flow (set by bind, initiate or reinitialize). Always a redirect, to
    /// <c>/oauth/success?serverName=</c> or <c>/oauth/error?error=</c> (<c>csrf_validation_failed</c> from another browser).</summary>
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

    /// <summary>★ Whether the caller's flow left tokens — never their values.</summary>
    [HttpGet("oauth/tokens/{flowId}")]
    [Authorize]
    [ProducesResponseType<TokensResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Tokens(string flowId, CancellationToken ct) =>
        (await oauth.TokenInfoAsync(HttpContext.GetCaller(), flowId, ct)).ToActionResult(this,
            t => new TokensResponse(new TokenInfoResponse(t.TokenType, t.ExpiresAt?.ToUnixTimeMilliseconds(), t.Scope, t.HasRefreshToken)));

    /// <summary>★ Authenticated, owner only: <c>{status, completed, failed, error}</c>.</summary>
    [HttpGet("oauth/status/{flowId}")]
    [Authorize]
    [ProducesResponseType<FlowStatusResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Status(string flowId, CancellationToken ct) =>
        (await oauth.StatusAsync(HttpContext.GetCaller(), flowId, ct)).ToActionResult(this, s => new FlowStatusResponse(s.Status, s.Completed, s.Failed, s.Error));

    [HttpPost("oauth/cancel/{serverName}")]
    [Authorize]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType<SuccessResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Cancel(string serverName, CancellationToken ct) =>
        Ok(new SuccessResponse(true, await oauth.CancelAsync(HttpContext.GetCaller(), serverName, ct)));

    /// <summary>★ The caller disconnects: tokens revoked at the authorization server (RFC 7009) where supported and
    /// deleted, the connection closed, the cached tools cleared.</summary>
    [HttpDelete("{serverName}/oauth/tokens")]
    [Authorize(Policy = McpPolicies.Use)]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType<SuccessResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Disconnect(string serverName, CancellationToken ct) =>
        (await flows.DisconnectAsync(HttpContext.GetCaller(), serverName, ct)).ToActionResult(this, message => new SuccessResponse(true, message));

    /// <summary>The Client ID Metadata Document, for authorization servers that take <c>OAuth:ClientMetadataUrl</c>
    /// (where this document is published) as the client id instead of a registration.</summary>
    [HttpGet("/oauth/client-metadata.json")]
    [AllowAnonymous]
    [ProducesResponseType<ClientMetadataResponse>(StatusCodes.Status200OK)]
    public IActionResult ClientMetadata() => flows.ClientMetadata().ToActionResult(this, document => document);

    private string ClientBase() => (options.ClientBaseUrl ?? string.Empty).TrimEnd('/');
}
