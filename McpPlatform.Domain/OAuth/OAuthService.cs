using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Domain.OAuth;

/// <summary>Where the callback sends the browser; on success, whose tokens were stored (the callback carries no caller)
/// and, when this delivery stored them, the tokens themselves, so that reconnecting need not read them back.</summary>
public sealed record CallbackOutcome(bool Success, string? ServerName, string? Error, string? UserId = null, TokenSet? StoredTokens = null);

public sealed record FlowStatusView(string Status, bool Completed, bool Failed, string? Error);

public sealed record TokenInfo(string TokenType, DateTimeOffset? ExpiresAt, string? Scope, bool HasRefreshToken);

/// <summary>
/// The platform as an OAuth client of remote MCP servers, per user × server: starting flows (discovery,
/// registration, PKCE), completing them at the callback (iss check, single exchange), and the flow routes.
/// </summary>
public sealed class OAuthService(
    ServerRegistryService registry,
    IOAuthFlowStore flows,
    IOAuthClient client,
    ITokenStore tokens,
    RegistrySnapshots snapshots,
    ConnectionPool pool,
    OAuthOptions options,
    TimeProvider clock)
{
    public static readonly Error AccessDenied = new(ErrorKind.Forbidden, "Access denied");
    public static readonly Error FlowNotFound = new(ErrorKind.NotFound, "Flow not found");

    /// <summary>The authorization URL for the caller and server: the pending flow's while it is pending (same URL,
    /// same verifier), else a new flow's, which replaces any earlier one.</summary>
    public async Task<Result<string>> AuthorizationUrlAsync(Caller caller, UsableServer server, WwwAuthenticateChallenge? challenge, string? extraScope, CancellationToken ct)
    {
        var flowId = OAuthFlow.IdFor(caller.UserId, server.Name);
        // Step-up (403 insufficient_scope) re-authorizes with more scope; a server that keeps asking is not followed forever.
        var stepUps = 0;
        if (extraScope is not null)
        {
            var existing = await flows.GetAsync(flowId, ct);
            stepUps = (existing is null || IsStale(existing) ? 0 : existing.StepUps) + 1;
            if (stepUps > options.MaxStepUpAttempts)
            {
                return new Error(ErrorKind.Forbidden, "oauth_step_up_limit", $"MCP server '{server.Name}' asked for more scope {options.MaxStepUpAttempts} times; not authorizing again");
            }
        }

        if (server.Config.Url is null || !Uri.TryCreate(server.Config.Url, UriKind.Absolute, out var serverUrl))
        {
            return new Error(ErrorKind.Validation, $"MCP server '{server.Name}' has no URL to authorize against");
        }

        try
        {
            var discovery = await client.DiscoverAsync(serverUrl, challenge, server.Config.OAuthHeaders ?? new Dictionary<string, string>(), ct);
            discovery = ApplyConfiguredEndpoints(discovery, server.Config.OAuth);
            var settings = server.Config.OAuth;
            if (settings?.SkipCodeChallengeCheck != true && discovery.CodeChallengeMethods.Count > 0 && !discovery.CodeChallengeMethods.Contains("S256"))
            {
                return new Error(ErrorKind.UpstreamFailed, "oauth_unsupported", "The authorization server does not support PKCE with S256");
            }

            var scope = Scopes.Union(challenge?.Scope ?? settings?.Scope ?? discovery.Scope, extraScope);
            var redirectUri = options.RedirectUriFor(server.Name);
            var registration = await RegistrationAsync(server, discovery, redirectUri, scope, ct);
            var verifier = Pkce.NewVerifier();
            var state = Pkce.NewState();
            var url = AuthorizeUrl(discovery, registration.ClientId, redirectUri, verifier, state, scope);
            var flow = new OAuthFlow(
                flowId, state, caller.UserId, server.Name, FlowStatus.Pending, verifier, url, redirectUri, discovery.Resource,
                discovery.Issuer, discovery.TokenEndpoint, registration.ClientId, registration.TokenAuthMethod, scope,
                discovery.RevocationEndpoint, clock.GetUtcNow(), StepUps: stepUps);
            // A flow that asks for more scope replaces a pending one. Otherwise a pending one is kept and this one
            // stored only if there is none, in one round trip (discovery and registration came from their caches);
            // a pending flow older than the flow TTL is replaced after all.
            var kept = extraScope is null && challenge?.Scope is null ? await flows.SaveUnlessPendingAsync(flow, ct) : null;
            if (kept is null || (kept.State != state && IsStale(kept)))
            {
                await flows.SaveAsync(flow, ct);
                kept = flow;
            }

            if (kept.State == state)
            {
                FlowOutcome("started");
            }

            return kept.AuthorizationUrl;
        }
        catch (OAuthException e)
        {
            return new Error(ErrorKind.UpstreamFailed, "oauth_discovery_failed", e.Message);
        }
    }

    /// <summary>The callback: the flow is found and claimed by its single-use state, the response's <c>iss</c> is
    /// checked before any exchange, and exactly one delivery exchanges the code; later ones see the outcome.</summary>
    public async Task<CallbackOutcome> HandleCallbackAsync(string? state, string? code, string? error, string? iss, CancellationToken ct)
    {
        var flow = string.IsNullOrEmpty(state) ? null : await flows.ClaimByStateAsync(state, ct);
        if (flow is null)
        {
            return new CallbackOutcome(false, null,
                !string.IsNullOrEmpty(error) ? SafeErrorCode(error) : string.IsNullOrEmpty(state) ? "missing_state" : string.IsNullOrEmpty(code) ? "missing_code" : "invalid_state");
        }

        if (flow.Status == FlowStatus.Completed)
        {
            return new CallbackOutcome(true, flow.ServerName, null, flow.UserId);
        }

        // Seeing it pending means this delivery now holds the flow (the store moved it to Exchanging); a refused
        // delivery that holds it fails it, one that does not leaves it to the delivery that does.
        var held = flow.Status == FlowStatus.Pending;
        if (IsStale(flow))
        {
            await FailHeldAsync(flow, held, "Flow expired", ct);
            FlowOutcome("failed");
            return new CallbackOutcome(false, flow.ServerName, "invalid_state");
        }

        // RFC 9207: an authorization response must come from the issuer the flow was started with.
        if (iss is not null && !Issuers.Same(iss, flow.Issuer))
        {
            await FailHeldAsync(flow, held, "iss_mismatch", ct);
            FlowOutcome("iss_mismatch");
            return new CallbackOutcome(false, flow.ServerName, "iss_mismatch");
        }

        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code))
        {
            var reason = string.IsNullOrEmpty(error) ? "missing_code" : SafeErrorCode(error);
            await FailHeldAsync(flow, held, reason, ct);
            FlowOutcome("failed");
            return new CallbackOutcome(false, flow.ServerName, reason);
        }

        if (!held)
        {
            return await AwaitOtherDeliveryAsync(flow.FlowId, ct);
        }

        TokenSet stored;
        try
        {
            var registration = new ClientRegistration(flow.ClientId, await ClientSecretAsync(flow, ct), flow.TokenAuthMethod);
            var response = await client.ExchangeCodeAsync(flow, registration, code, ct);
            var tokenSet = ToTokenSet(response, flow.Issuer, flow.TokenEndpoint, flow.ClientId, flow.TokenAuthMethod, flow.Resource, flow.RevocationEndpoint, null, clock.GetUtcNow());
            var version = await tokens.SaveAsync(flow.UserId, flow.ServerName, tokenSet, null, ct)
                ?? throw new InvalidOperationException("Saving tokens without an expected version returned no version");
            stored = tokenSet with { Version = version };
        }
        catch (OAuthException e)
        {
            await flows.TryTransitionAsync(flow.FlowId, FlowStatus.Exchanging, FlowStatus.Failed, e.Message, ct);
            FlowOutcome("failed");
            return new CallbackOutcome(false, flow.ServerName, "callback_failed");
        }

        await flows.TryTransitionAsync(flow.FlowId, FlowStatus.Exchanging, FlowStatus.Completed, null, ct);
        FlowOutcome("completed");
        return new CallbackOutcome(true, flow.ServerName, null, flow.UserId, stored);
    }

    /// <summary><c>GET /oauth/status/{flowId}</c>: the caller's own flows only.</summary>
    public async Task<Result<FlowStatusView>> StatusAsync(Caller caller, string flowId, CancellationToken ct)
    {
        var owned = await OwnFlowAsync(caller, flowId, ct);
        if (!owned.IsSuccess)
        {
            return owned.Error!;
        }

        var flow = owned.Value;
        var status = flow.Status switch
        {
            FlowStatus.Completed => "COMPLETED",
            FlowStatus.Failed => "FAILED",
            _ when IsStale(flow) => "FAILED",
            _ => "PENDING",
        };
        return new FlowStatusView(status, status == "COMPLETED", status == "FAILED", flow.Error ?? (IsStale(flow) && status == "FAILED" ? "Flow expired" : null));
    }

    /// <summary>★ <c>GET /oauth/tokens/{flowId}</c>: whether the flow left tokens, never their values.</summary>
    public async Task<Result<TokenInfo>> TokenInfoAsync(Caller caller, string flowId, CancellationToken ct)
    {
        var owned = await OwnFlowAsync(caller, flowId, ct);
        if (!owned.IsSuccess)
        {
            return owned.Error!;
        }

        var flow = owned.Value;
        if (flow.Status != FlowStatus.Completed)
        {
            return new Error(ErrorKind.Validation, "Flow not completed");
        }

        var stored = await tokens.GetAsync(flow.UserId, flow.ServerName, ct);
        return stored is null ? FlowNotFound : new TokenInfo(stored.TokenType, stored.ExpiresAt, stored.Scope, stored.RefreshToken is not null);
    }

    /// <summary><c>POST /oauth/cancel/{serverName}</c> with LibreChat's messages.</summary>
    public async Task<string> CancelAsync(Caller caller, string serverName, CancellationToken ct)
    {
        var flowId = OAuthFlow.IdFor(caller.UserId, serverName);
        var flow = await flows.GetAsync(flowId, ct);
        if (flow is not { Status: FlowStatus.Pending })
        {
            return "No active OAuth flow to cancel";
        }

        await flows.SaveAsync(flow with { Cancelled = true, Status = FlowStatus.Failed, Error = "User cancelled OAuth flow" }, ct);
        return $"OAuth flow for {serverName} cancelled successfully";
    }

    /// <summary>The flow state that connection status derives from (LibreChat §6.2): a cancelled flow is not an
    /// error; a pending one older than the flow TTL is.</summary>
    public async Task<(bool Active, bool Failed)> FlowStateAsync(string userId, string serverName, CancellationToken ct) =>
        FlowState(await flows.GetAsync(OAuthFlow.IdFor(userId, serverName), ct));

    /// <summary>The same for several servers in one round trip (the status of every server a user can use).</summary>
    public async Task<IReadOnlyDictionary<string, (bool Active, bool Failed)>> FlowStatesAsync(string userId, IReadOnlyCollection<string> serverNames, CancellationToken ct)
    {
        var found = await flows.GetManyAsync([.. serverNames.Select(name => OAuthFlow.IdFor(userId, name))], ct);
        return serverNames.ToDictionary(name => name, name => FlowState(found.GetValueOrDefault(OAuthFlow.IdFor(userId, name))), StringComparer.Ordinal);
    }

    private (bool Active, bool Failed) FlowState(OAuthFlow? flow) => flow switch
    {
        null => (false, false),
        { Cancelled: true } => (false, false),
        { Status: FlowStatus.Failed } => (false, true),
        { Status: FlowStatus.Pending or FlowStatus.Exchanging } when IsStale(flow) => (false, true),
        { Status: FlowStatus.Pending or FlowStatus.Exchanging } => (true, false),
        _ => (false, false),
    };

    /// <summary>The caller disconnects: the tokens are revoked where the server supports it and deleted, the
    /// connection is closed and its tools forgotten.</summary>
    public async Task<Result<string>> DisconnectAsync(Caller caller, UsableServer server, CancellationToken ct)
    {
        var stored = await tokens.GetAsync(caller.UserId, server.Name, ct);
        if (stored is not null)
        {
            try
            {
                var secret = (await StoredRegistrationAsync(server.Name, stored.Issuer, ct))?.ClientSecret ?? server.Config.OAuth?.ClientSecret;
                await client.RevokeAsync(stored, new ClientRegistration(stored.ClientId, secret, stored.TokenAuthMethod), ct);
            }
            catch (OAuthException)
            {
                // Revocation is best effort: the tokens are deleted here either way.
            }

            await tokens.DeleteAsync(caller.UserId, server.Name, ct);
        }

        await flows.DeleteAsync(OAuthFlow.IdFor(caller.UserId, server.Name), ct);
        await pool.DisconnectAsync(server.KeyFor(caller.UserId), ct);
        return stored is null ? $"No stored tokens for {server.Name}" : $"Disconnected from {server.Name}; tokens revoked and deleted";
    }

    public static TokenSet ToTokenSet(TokenResponse response, string issuer, string tokenEndpoint, string clientId, string authMethod, string resource, string? revocationEndpoint, string? previousRefreshToken, DateTimeOffset? now = null) =>
        new(response.AccessToken,
            response.RefreshToken ?? previousRefreshToken,
            string.IsNullOrEmpty(response.TokenType) ? "Bearer" : response.TokenType,
            response.ExpiresIn is { } seconds ? (now ?? DateTimeOffset.UtcNow).AddSeconds(seconds) : null,
            response.Scope,
            issuer,
            tokenEndpoint,
            clientId,
            authMethod,
            resource,
            revocationEndpoint);

    private async Task FailHeldAsync(OAuthFlow flow, bool held, string reason, CancellationToken ct)
    {
        if (held)
        {
            await flows.TryTransitionAsync(flow.FlowId, FlowStatus.Exchanging, FlowStatus.Failed, reason, ct);
        }
    }

    private async Task<CallbackOutcome> AwaitOtherDeliveryAsync(string flowId, CancellationToken ct)
    {
        for (var i = 0; i < 100; i++)
        {
            var current = await flows.GetAsync(flowId, ct);
            switch (current?.Status)
            {
                case FlowStatus.Completed:
                    return new CallbackOutcome(true, current.ServerName, null, current.UserId);
                case FlowStatus.Failed or null:
                    return new CallbackOutcome(false, current?.ServerName, "callback_failed");
            }

            await Task.Delay(100, ct);
        }

        return new CallbackOutcome(false, null, "callback_failed");
    }

    private async Task<ClientRegistration> RegistrationAsync(UsableServer server, OAuthDiscovery discovery, string redirectUri, string? scope, CancellationToken ct)
    {
        var settings = server.Config.OAuth;
        if (settings?.ClientId is { Length: > 0 } preRegistered)
        {
            var method = TokenAuthMethods.Choose(settings.TokenEndpointAuthMethodsSupported ?? discovery.TokenAuthMethods, settings.ClientSecret is not null);
            return new ClientRegistration(preRegistered, settings.ClientSecret, method);
        }

        if (await StoredRegistrationAsync(server.Name, discovery.Issuer, ct) is { } stored)
        {
            return stored;
        }

        // The metadata document lists its redirect URIs exactly, and only app-level servers' callbacks are known in
        // advance; user-managed servers register dynamically instead.
        if (discovery.ClientIdMetadataDocumentSupported && options.ClientMetadataUrl is { Length: > 0 } metadataUrl && server.Source == ServerSource.App)
        {
            return new ClientRegistration(metadataUrl, null, "none");
        }

        if (discovery.RegistrationEndpoint is null)
        {
            throw new OAuthException(OAuthFailure.Registration, "The authorization server offers no registration and no client is configured for this server");
        }

        // Flows that start together may each register; the first stored wins and the others use it, so that every
        // flow's code exchange presents the client (and secret) the store holds.
        var registered = await client.RegisterAsync(discovery, redirectUri, scope, ct);
        return await tokens.SaveRegistrationAsync(server.Name, discovery.Issuer, registered, ct);
    }

    /// <summary>The registration stored for the server and issuer. Kept while the registry revision holds: one is only
    /// ever added (the first stored wins) or removed with a change to its server, which moves that revision.</summary>
    private Task<ClientRegistration?> StoredRegistrationAsync(string serverName, string issuer, CancellationToken ct) =>
        snapshots.ReadAsync($"registration:{serverName}\n{issuer}", c => tokens.GetRegistrationAsync(serverName, issuer, c), _ => 1, 1, ct);

    private async Task<string?> ClientSecretAsync(OAuthFlow flow, CancellationToken ct)
    {
        var stored = await StoredRegistrationAsync(flow.ServerName, flow.Issuer, ct);
        if (stored is not null && stored.ClientId == flow.ClientId)
        {
            return stored.ClientSecret;
        }

        // A pre-registered client: its secret lives in the server's config. The callback carries no caller (and the
        // user may see the server only through a group), so the platform resolves it itself.
        return (await registry.ResolveForPlatformAsync(flow.ServerName, ct))?.Config.OAuth?.ClientSecret;
    }

    private static OAuthDiscovery ApplyConfiguredEndpoints(OAuthDiscovery discovery, OAuthSettings? settings) => settings is null ? discovery : discovery with
    {
        AuthorizationEndpoint = settings.AuthorizationUrl ?? discovery.AuthorizationEndpoint,
        TokenEndpoint = settings.TokenUrl ?? discovery.TokenEndpoint,
        RevocationEndpoint = settings.RevocationEndpoint ?? discovery.RevocationEndpoint,
        CodeChallengeMethods = settings.CodeChallengeMethodsSupported ?? discovery.CodeChallengeMethods,
    };

    private static string AuthorizeUrl(OAuthDiscovery discovery, string clientId, string redirectUri, string verifier, string state, string? scope)
    {
        var query = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", clientId),
            new("redirect_uri", redirectUri),
            new("code_challenge", Pkce.Challenge(verifier)),
            new("code_challenge_method", "S256"),
            new("state", state),
            new("resource", discovery.Resource),
        };
        if (!string.IsNullOrEmpty(scope))
        {
            query.Add(new("scope", scope));
        }

        var separator = discovery.AuthorizationEndpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return discovery.AuthorizationEndpoint + separator + string.Join("&", query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
    }

    private static void FlowOutcome(string outcome) => PlatformTelemetry.OAuthFlows.Add(1, PlatformTelemetry.Tag("outcome", outcome));

    private bool IsStale(OAuthFlow flow) => clock.GetUtcNow() - flow.CreatedAt > options.FlowTtl;

    /// <summary>The caller's own flow: another user's flow id is denied before and after it is looked up.</summary>
    private async Task<Result<OAuthFlow>> OwnFlowAsync(Caller caller, string flowId, CancellationToken ct)
    {
        if (!flowId.StartsWith(caller.UserId + ":", StringComparison.Ordinal))
        {
            return AccessDenied;
        }

        var flow = await flows.GetAsync(flowId, ct);
        return flow is null ? FlowNotFound : flow.UserId == caller.UserId ? flow : AccessDenied;
    }

    /// <summary>Provider error codes go into a redirect URL: only a short token of safe characters passes.</summary>
    private static string SafeErrorCode(string error) =>
        error.Length <= 64 && error.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') ? error : "callback_failed";
}

/// <summary>Scope strings: space-separated sets.</summary>
public static class Scopes
{
    public static string? Union(string? a, string? b)
    {
        var all = $"{a} {b}".Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        return all.Count == 0 ? null : string.Join(' ', all);
    }
}

/// <summary>Issuer identifiers compare as strings, tolerating only a trailing slash.</summary>
public static class Issuers
{
    public static bool Same(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);
}

/// <summary>The token endpoint authentication method: the registration's, else the first the metadata allows that fits.</summary>
public static class TokenAuthMethods
{
    public static string Choose(IReadOnlyList<string>? supported, bool hasSecret)
    {
        if (!hasSecret)
        {
            return "none";
        }

        if (supported is null || supported.Count == 0 || supported.Contains("client_secret_basic"))
        {
            return "client_secret_basic";
        }

        return supported.Contains("client_secret_post") ? "client_secret_post" : "client_secret_basic";
    }
}
