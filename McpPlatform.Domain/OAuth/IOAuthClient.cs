using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.OAuth;

/// <summary>The protocol side of OAuth 2.1 for MCP: discovery, registration, token requests, revocation. An
/// authorization server that fails or answers what the platform refuses is an <see cref="OAuthErrors"/> value.</summary>
public interface IOAuthClient
{
    /// <summary>RFC 9728 then RFC 8414 / OIDC discovery for a server, starting from its 401 challenge when there is
    /// one. When the server publishes no protected-resource metadata, the issuer is <paramref name="fallbackIssuer"/>
    /// (the origin of a hand-configured authorization endpoint), else the server's origin. Every endpoint it returns
    /// is an absolute https URL (http only to a loopback host the outbound policy allows); anything else, or a
    /// document too large or too slow, is an error that says which.</summary>
    Task<Result<OAuthDiscovery>> DiscoverAsync(Uri serverUrl, WwwAuthenticateChallenge? challenge, IReadOnlyDictionary<string, string> extraHeaders, string? fallbackIssuer, CancellationToken ct);

    /// <summary>RFC 7591 dynamic registration (<c>application_type: web</c>).</summary>
    Task<Result<ClientRegistration>> RegisterAsync(OAuthDiscovery discovery, string redirectUri, string? scope, CancellationToken ct);

    Task<Result<TokenResponse>> ExchangeCodeAsync(OAuthFlow flow, ClientRegistration client, string code, CancellationToken ct);

    /// <summary>A refresh; a refresh token the server no longer honours is <see cref="OAuthErrors.IsInvalidGrant"/>.</summary>
    Task<Result<TokenResponse>> RefreshAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct);

    /// <summary>RFC 7009; best effort.</summary>
    Task<Result<Success>> RevokeAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct);
}
