using McpPlatform.Domain.Common;
using McpPlatform.Domain.OAuth;
using Microsoft.Extensions.Caching.Memory;

namespace McpPlatform.Infrastructure.OAuth;

/// <summary>
/// Reuses a server's discovery (its 401 probe, protected-resource and authorization-server metadata: three round
/// trips to remote servers) for <see cref="OAuthOptions.DiscoveryCacheTtl"/>, so that starting a flow costs no
/// discovery while the metadata is fresh. Only discovery started without a challenge is reused: a challenge (a 401 or
/// 403 from a live connection) may name new metadata or scope, and is always followed. Failures are not kept.
/// </summary>
public sealed class DiscoveryCachingOAuthClient(IOAuthClient inner, IMemoryCache cache, OAuthOptions options) : IOAuthClient
{
    public async Task<Result<OAuthDiscovery>> DiscoverAsync(Uri serverUrl, WwwAuthenticateChallenge? challenge, IReadOnlyDictionary<string, string> extraHeaders, string? fallbackIssuer, CancellationToken ct)
    {
        if (challenge is not null || options.DiscoveryCacheTtl <= TimeSpan.Zero)
        {
            return await inner.DiscoverAsync(serverUrl, challenge, extraHeaders, fallbackIssuer, ct);
        }

        // The headers are part of the key: a server's metadata may answer differently to them. The key stays in memory.
        var key = new DiscoveryKey(serverUrl.AbsoluteUri, string.Join('\n', extraHeaders.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => $"{h.Key}:{h.Value}")), fallbackIssuer);
        if (cache.TryGetValue(key, out OAuthDiscovery? known) && known is not null)
        {
            return known;
        }

        var discovered = await inner.DiscoverAsync(serverUrl, null, extraHeaders, fallbackIssuer, ct);
        if (discovered.IsSuccess)
        {
            cache.Set(key, discovered.Value, options.DiscoveryCacheTtl);
        }

        return discovered;
    }

    public Task<Result<ClientRegistration>> RegisterAsync(OAuthDiscovery discovery, string redirectUri, string? scope, CancellationToken ct) =>
        inner.RegisterAsync(discovery, redirectUri, scope, ct);

    public Task<Result<TokenResponse>> ExchangeCodeAsync(OAuthFlow flow, ClientRegistration client, string code, CancellationToken ct) =>
        inner.ExchangeCodeAsync(flow, client, code, ct);

    public Task<Result<TokenResponse>> RefreshAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct) =>
        inner.RefreshAsync(tokens, client, ct);

    public Task<Result<Success>> RevokeAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct) =>
        inner.RevokeAsync(tokens, client, ct);

    private sealed record DiscoveryKey(string ServerUrl, string Headers, string? FallbackIssuer);
}
