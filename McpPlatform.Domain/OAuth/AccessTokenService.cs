using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Domain.OAuth;

/// <summary>
/// Valid access tokens for connections. A token that expires within the margin (within half its life if it lives
/// shorter than twice the margin), or that the server just refused, is refreshed once, single-flight across every
/// instance: a distributed lock plus the token row's version, so a refresh token is used exactly once even when many
/// requests need it at the same moment. <c>invalid_grant</c>
/// deletes the tokens: the user must authorize again, and nothing loops. No usable tokens is a null value; a refresh
/// that failed otherwise is an <see cref="OAuthErrors"/> value.
/// </summary>
public sealed class AccessTokenService(ITokenStore tokens, IOAuthClient client, IDistributedLock locks, OAuthOptions options, TimeProvider clock)
{
    /// <param name="refusedVersion">The version of a token the server just refused: refresh it unless someone
    /// already has (then the newer token is returned).</param>
    /// <param name="justStored">Tokens the caller has just stored, with their version (the OAuth callback's): used
    /// instead of reading them back.</param>
    /// <param name="server">The server as the caller may use it: its credential key decides which tokens are valid for it, and
    /// its config holds a pre-registered client's secret.</param>
    public async Task<Result<TokenSet?>> GetValidAsync(string userId, UsableServer server, long? refusedVersion, TokenSet? justStored, CancellationToken ct)
    {
        var key = server.Credentials;
        var stored = justStored ?? await tokens.GetAsync(userId, key, ct);
        var forceRefresh = refusedVersion is not null && stored?.Version == refusedVersion;
        if (stored is null || (!forceRefresh && !ExpiresSoon(stored)))
        {
            return stored;
        }

        if (stored.RefreshToken is null)
        {
            return forceRefresh || IsExpired(stored) ? (TokenSet?)null : stored;
        }

        await using var held = await locks.TryAcquireAsync($"mcp:oauth-refresh:{userId}:{key.ServerId}", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20), ct);
        var current = await tokens.GetAsync(userId, key, ct);
        if (current is null)
        {
            return (TokenSet?)null;
        }

        if (current.Version != stored.Version)
        {
            // Another request (or instance) refreshed while this one waited: use its tokens.
            Refreshed("already_refreshed");
            return current;
        }

        if (held is null)
        {
            return OAuthErrors.TokenEndpoint("Another refresh of these tokens is taking too long");
        }

        var secret = (await tokens.GetRegistrationAsync(key, current.Issuer, ct))?.ClientSecret ?? server.Config.OAuth?.ClientSecret;
        var response = await client.RefreshAsync(current, new ClientRegistration(current.ClientId, secret, current.TokenAuthMethod), ct);
        if (!response.IsSuccess)
        {
            if (!OAuthErrors.IsInvalidGrant(response.Error!))
            {
                Refreshed("error");
                return response.Error!;
            }

            Refreshed("invalid_grant");
            await tokens.DeleteAsync(userId, key.ServerId, ct);
            return (TokenSet?)null;
        }

        Refreshed("success");
        var refreshed = TokenSet.From(response.Value, current.Issuer, current.TokenEndpoint, current.ClientId, current.TokenAuthMethod, current.Resource, current.RevocationEndpoint, current.RefreshToken, clock.GetUtcNow());
        // Saved: these are the tokens now stored. Not saved: another refresh won, whose tokens are.
        return await tokens.SaveAsync(userId, key, refreshed, current.Version, ct) is { } version
            ? refreshed with { Version = version }
            : await tokens.GetAsync(userId, key, ct);
    }

    private static void Refreshed(string outcome) => PlatformTelemetry.TokenRefreshes.Add(1, PlatformTelemetry.Tag("outcome", outcome));

    /// <summary>Within the margin of its expiry; for a token given less than twice the margin to live, within half its
    /// life (else it would be refreshed on every use, and requests just after a refresh would refresh again).</summary>
    private bool ExpiresSoon(TokenSet tokens)
    {
        if (tokens.ExpiresAt is not { } at)
        {
            return false;
        }

        var margin = tokens.IssuedAt is { } issued && (at - issued) / 2 < options.RefreshMargin ? (at - issued) / 2 : options.RefreshMargin;
        return at - clock.GetUtcNow() <= margin;
    }

    private bool IsExpired(TokenSet tokens) => tokens.ExpiresAt is { } at && at <= clock.GetUtcNow();
}
