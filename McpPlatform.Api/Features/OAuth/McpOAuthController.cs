using System.Net;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.OAuth;

/// <summary>OAuth to remote MCP servers (the platform is the client): bind and initiate, the public callback, flow
/// status, cancel, and disconnect (revoke and delete the caller's tokens).</summary>
[ApiController]
[Route("api/mcp")]
public sealed class McpOAuthController(OAuthService oauth, ServerRegistryService registry, McpConnectionService connections, OAuthOptions options, ILogger<McpOAuthController> logger) : ControllerBase
{
    /// <summary>302 to the authorization server: the caller's pending flow's URL, or a new flow's.</summary>
    [HttpGet("{serverName}/oauth/initiate")]
    [Authorize(Policy = McpPolicies.Use)]
    [EnableRateLimiting(RateLimits.OAuthInitiate)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Initiate(string serverName, [FromQuery] string? userId, [FromQuery] string? flowId, CancellationToken ct)
    {
        var caller = HttpContext.GetCaller();
        if (userId is not null && userId != caller.UserId)
        {
            return Problems.Result(new Error(ErrorKind.Forbidden, "User mismatch"), HttpContext);
        }

        if (flowId is not null && flowId != OAuthFlow.IdFor(caller.UserId, serverName))
        {
            return Problems.Result(flowId.StartsWith(caller.UserId + ":", StringComparison.Ordinal) ? new Error(ErrorKind.Validation, "Invalid flow state") : OAuthService.FlowNotFound, HttpContext);
        }

        var server = await registry.ResolveForUseAsync(caller, serverName, ct);
        if (!server.IsSuccess)
        {
            return Problems.Result(server.Error!, HttpContext);
        }

        var url = await oauth.AuthorizationUrlAsync(caller, server.Value, null, null, ct);
        if (!url.IsSuccess)
        {
            return Problems.Result(url.Error!, HttpContext);
        }

        OAuthBrowserCookie.Write(Response, oauth.ProveBrowser(caller, server.Value.Name), options);
        return Redirect(url.Value);
    }

    /// <summary>Binds this browser to the caller's authorization flow for the server (LibreChat's CSRF binding, which
    /// its SPA calls before opening an authorization URL): sets an HttpOnly cookie that the callback requires, so
    /// a code delivered by any other browser is refused. <c>{success: true}</c>.</summary>
    [HttpPost("{serverName}/oauth/bind")]
    [Authorize(Policy = McpPolicies.Use)]
    [EnableRateLimiting(RateLimits.OAuthInitiate)]
    [ProducesResponseType<BindResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Bind(string serverName, CancellationToken ct)
    {
        var caller = HttpContext.GetCaller();
        var server = await registry.ResolveForUseAsync(caller, serverName, ct);
        if (!server.IsSuccess)
        {
            return Problems.Result(server.Error!, HttpContext);
        }

        OAuthBrowserCookie.Write(Response, oauth.ProveBrowser(caller, server.Value.Name), options);
        return Ok(new BindResponse(true));
    }

    /// <summary>The authorization server's redirect. Public, but bound: the unguessable single-use <c>state</c> and the
    /// cookie of the browser that started the flow (set by bind, initiate or reinitialize). Always a redirect, to
    /// <c>/oauth/success?serverName=</c> or <c>/oauth/error?error=</c> (<c>csrf_validation_failed</c> from another browser).</summary>
    [HttpGet("{serverName}/oauth/callback")]
    [AllowAnonymous]
    [EnableRateLimiting(RateLimits.OAuthCallback)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    public async Task<IActionResult> Callback(string serverName, [FromQuery] string? code, [FromQuery] string? state, [FromQuery] string? error, [FromQuery] string? iss, CancellationToken ct)
    {
        CallbackOutcome outcome;
        try
        {
            outcome = await oauth.HandleCallbackAsync(state, code, error, iss, name => OAuthBrowserCookie.Read(Request, name), ct);
            if (outcome is { Success: true, ServerName: { } name, UserId: { } userId })
            {
                // Tokens are stored; reconnect with them. A failure here still ends on success.
                await connections.ReconnectAfterAuthorizationAsync(userId, name, outcome.StoredTokens, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "OAuth callback for {Server} failed", LogValue.Sanitize(serverName));
            outcome = new CallbackOutcome(false, serverName, "callback_failed");
        }

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
    public async Task<IActionResult> Disconnect(string serverName, CancellationToken ct)
    {
        var caller = HttpContext.GetCaller();
        var server = await registry.ResolveForUseAsync(caller, serverName, ct);
        if (!server.IsSuccess)
        {
            return Problems.Result(server.Error!, HttpContext);
        }

        return (await oauth.DisconnectAsync(caller, server.Value, ct)).ToActionResult(this, message => new SuccessResponse(true, message));
    }

    /// <summary>The Client ID Metadata Document, for authorization servers that take <c>OAuth:ClientMetadataUrl</c>
    /// (where this document is published) as the client id instead of a registration.</summary>
    [HttpGet("/oauth/client-metadata.json")]
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status200OK)]
    public IActionResult ClientMetadata([FromServices] IAppServerCatalog appServers)
    {
        if (options.ClientMetadataUrl is not { Length: > 0 } clientId)
        {
            return Problems.Result(new Error(ErrorKind.NotFound, "Not Found", "OAuth:ClientMetadataUrl is not configured"), HttpContext);
        }

        // Redirect URIs must be listed exactly: the app-level servers' callbacks (user-managed servers register instead).
        return Ok(new Dictionary<string, object>
        {
            ["client_id"] = clientId,
            ["client_name"] = "McpPlatform",
            ["client_uri"] = options.PublicBaseUrl,
            ["application_type"] = "web",
            ["redirect_uris"] = appServers.All.Select(s => options.RedirectUriFor(s.Name)).ToArray(),
            ["grant_types"] = new[] { "authorization_code", "refresh_token" },
            ["response_types"] = new[] { "code" },
            ["token_endpoint_auth_method"] = "none",
        });
    }

    private string ClientBase() => (options.ClientBaseUrl ?? string.Empty).TrimEnd('/');
}
