namespace McpPlatform.Domain.OAuth;

/// <summary>Tokens for one user × server, in clear in memory only (stored encrypted). <see cref="IssuedAt"/>: when
/// they were obtained (unknown: null), which tells how long the access token was given to live.</summary>
public sealed record TokenSet(
    string AccessToken,
    string? RefreshToken,
    string TokenType,
    DateTimeOffset? ExpiresAt,
    string? Scope,
    string Issuer,
    string TokenEndpoint,
    string ClientId,
    string TokenAuthMethod,
    string Resource,
    string? RevocationEndpoint,
    long Version = 0,
    DateTimeOffset? IssuedAt = null)
{
    /// <summary>The tokens a token endpoint answered, where they were issued; a refresh that sends no new refresh
    /// token keeps <paramref name="previousRefreshToken"/>.</summary>
    public static TokenSet From(TokenResponse response, string issuer, string tokenEndpoint, string clientId, string authMethod, string resource, string? revocationEndpoint, string? previousRefreshToken, DateTimeOffset now) =>
        new(response.AccessToken,
            response.RefreshToken ?? previousRefreshToken,
            string.IsNullOrEmpty(response.TokenType) ? "Bearer" : response.TokenType,
            response.ExpiresIn is { } seconds ? now.AddSeconds(seconds) : null,
            response.Scope,
            issuer,
            tokenEndpoint,
            clientId,
            authMethod,
            resource,
            revocationEndpoint,
            IssuedAt: now);
}
