using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.OAuth;

/// <summary>Flow state shared by every instance (Redis; memory when there is none), expiring after the flow TTL.</summary>
public interface IOAuthFlowStore
{
    /// <summary>Stores the flow (replacing any earlier one of the same flow id, whose state then stops working).</summary>
    Task SaveAsync(OAuthFlow flow, CancellationToken ct);

    /// <summary>Stores the flow unless its flow id has a pending, not cancelled flow, which is kept and returned
    /// instead; else returns the flow stored (which replaces any earlier one as <see cref="SaveAsync"/> does). One
    /// round trip where reading, then saving, took two.</summary>
    Task<OAuthFlow> SaveUnlessPendingAsync(OAuthFlow flow, CancellationToken ct);

    Task<OAuthFlow?> GetAsync(string flowId, CancellationToken ct);

    /// <summary>Several flows in one round trip; ids without a flow are absent.</summary>
    Task<IReadOnlyDictionary<string, OAuthFlow>> GetManyAsync(IReadOnlyCollection<string> flowIds, CancellationToken ct);

    /// <summary>The flow a callback's state leads to, as it was found. If it was <c>Pending</c>, it has been moved
    /// to <c>Exchanging</c> in the same atomic step: the one caller that sees <c>Pending</c> holds the flow and is the
    /// delivery that may exchange the code (one round trip where finding and claiming took two).</summary>
    Task<OAuthFlow?> ClaimByStateAsync(string state, CancellationToken ct);

    /// <summary>Atomically moves the flow from <paramref name="from"/> to <paramref name="to"/>; false if it was not
    /// in <paramref name="from"/>.</summary>
    Task<bool> TryTransitionAsync(string flowId, FlowStatus from, FlowStatus to, string? error, CancellationToken ct);

    Task DeleteAsync(string flowId, CancellationToken ct);
}

/// <summary>Tokens per user × server and client registrations per server × issuer, encrypted at rest and each
/// bound to a <see cref="CredentialKey"/>: read back only under the key they were stored with.</summary>
public interface ITokenStore
{
    /// <summary>The user's tokens for the server, unless they were stored under another binding.</summary>
    Task<TokenSet?> GetAsync(string userId, CredentialKey key, CancellationToken ct);

    /// <summary>Saves the tokens and returns the stored row's new version. With <paramref name="expectedVersion"/> only
    /// if the stored row still has it (and the key's binding); null when it did not (a refresh elsewhere won).</summary>
    Task<long?> SaveAsync(string userId, CredentialKey key, TokenSet tokens, long? expectedVersion, CancellationToken ct);

    /// <summary>Deletes the user's tokens for the server, whatever their binding.</summary>
    Task<bool> DeleteAsync(string userId, Guid serverId, CancellationToken ct);

    Task<ClientRegistration?> GetRegistrationAsync(CredentialKey key, string issuer, CancellationToken ct);

    /// <summary>Keeps the registration unless one for the server and issuer is stored already under the same binding
    /// (a concurrent flow registered first); returns the one stored, which every flow then uses.</summary>
    Task<ClientRegistration> SaveRegistrationAsync(CredentialKey key, string issuer, ClientRegistration registration, CancellationToken ct);
}

/// <summary>Signs the proof that a browser started a user's authorization flow (the binding cookie), so that the
/// callback can refuse a code delivered by any other browser (authorization-code injection).</summary>
public interface IBrowserBinding
{
    /// <summary>The proof for the flow, valid until <paramref name="expires"/>.</summary>
    string Issue(string flowId, DateTimeOffset expires);

    /// <summary>Whether <paramref name="proof"/> was issued for the flow and has not expired.</summary>
    bool Verify(string flowId, string? proof, DateTimeOffset now);
}

/// <summary>The protocol side of OAuth 2.1 for MCP: discovery, registration, token requests, revocation.</summary>
public interface IOAuthClient
{
    /// <summary>RFC 9728 then RFC 8414 / OIDC discovery for a server, starting from its 401 challenge when there is
    /// one. When the server publishes no protected-resource metadata, the issuer is <paramref name="fallbackIssuer"/>
    /// (the origin of a hand-configured authorization endpoint), else the server's origin. Every endpoint it returns
    /// is an absolute https URL (http only to a loopback host the outbound policy allows); anything else, or a
    /// document too large or too slow, is an <see cref="OAuthException"/> that says which.</summary>
    Task<OAuthDiscovery> DiscoverAsync(Uri serverUrl, WwwAuthenticateChallenge? challenge, IReadOnlyDictionary<string, string> extraHeaders, string? fallbackIssuer, CancellationToken ct);

    /// <summary>RFC 7591 dynamic registration (<c>application_type: web</c>).</summary>
    Task<ClientRegistration> RegisterAsync(OAuthDiscovery discovery, string redirectUri, string? scope, CancellationToken ct);

    Task<TokenResponse> ExchangeCodeAsync(OAuthFlow flow, ClientRegistration client, string code, CancellationToken ct);

    Task<TokenResponse> RefreshAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct);

    /// <summary>RFC 7009; best effort.</summary>
    Task RevokeAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct);
}

/// <summary>A lock held across every instance (Redis), for single-flight refreshes.</summary>
public interface IDistributedLock
{
    Task<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan hold, TimeSpan wait, CancellationToken ct);
}

public sealed class OAuthOptions
{
    public TimeSpan FlowTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Where the client metadata document is published (https), enabling CIMD where the AS supports it.</summary>
    public string? ClientMetadataUrl { get; set; }

    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>Where the callback sends the browser: <c>&lt;ClientBaseUrl&gt;/oauth/success</c> or <c>/oauth/error</c>; empty → the built-in pages.</summary>
    public string? ClientBaseUrl { get; set; }

    /// <summary>SameSite of the browser-binding cookie: <c>Lax</c> or <c>None</c>; unset → None exactly when the SPA
    /// (<see cref="ClientBaseUrl"/>) is on another site than the API.</summary>
    public string? BindingCookieSameSite { get; set; }

    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    public int MaxStepUpAttempts { get; set; } = 3;

    /// <summary>How long a server's discovery (probe and metadata) is reused to start flows; zero discovers every time.</summary>
    public TimeSpan DiscoveryCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    public string RedirectUriFor(string serverName) => $"{PublicBaseUrl.TrimEnd('/')}/api/mcp/{serverName}/oauth/callback";
}
