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

/// <summary>The proof a browser keeps (as an HttpOnly cookie) that it started the caller's flow for a server.</summary>
public sealed record BrowserProof(string ServerName, string Value, DateTimeOffset Expires);

/// <summary>
/// The platform as an OAuth client of remote MCP servers, per user × server: starting flows (discovery,
/// registration, PKCE), completing them at the callback (browser binding, iss check, single exchange), and the flow
/// routes.
/// </summary>
public sealed class OAuthService(
    ServerRegistryService registry,
    IOAuthFlowStore flows,
    IOAuthClient client,
    ITokenStore tokens,
    IBrowserBinding browsers,
    RegistrySnapshots snapshots,
    ConnectionPool pool,
    OAuthOptions options,
    TimeProvider clock)
{
    /// <summary>The redirect's error when the callback does not come from the browser that started the flow (LibreChat's code).</summary>
    public const string BrowserMismatch = "csrf_validation_failed";

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
            var settings = server.Config.OAuth;
            var discovered = await client.DiscoverAsync(serverUrl, challenge, server.Config.OAuthHeaders ?? new Dictionary<string, string>(), OAuthEndpoints.ConfiguredIssuer(settings), ct);
            var reconciled = OAuthEndpoints.Reconcile(discovered, settings);
            if (!reconciled.IsSuccess)
            {
                FlowOutcome("configuration_mismatch");
                return reconciled.Error!;
            }

            var discovery = reconciled.Value with { CodeChallengeMethods = settings?.CodeChallengeMethodsSupported ?? reconciled.Value.CodeChallengeMethods };
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
                flowId, state, caller.UserId, server.Name, server.Credentials, FlowStatus.Pending, verifier, url, redirectUri, discovery.Resource,
                discovery.Issuer, discovery.TokenEndpoint, registration.ClientId, registration.TokenAuthMethod, scope,
                discovery.RevocationEndpoint, clock.GetUtcNow(), IssRequired: discovery.FromMetadata && discovery.IssParameterSupported, StepUps: stepUps);
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

    /// <summary>The proof for the caller's browser that it starts the caller's flow for the server (LibreChat's
    /// <c>oauth/bind</c>); valid for as long as a flow is.</summary>
    public BrowserProof ProveBrowser(Caller caller, string serverName)
    {
        var expires = clock.GetUtcNow() + options.FlowTtl;
        return new BrowserProof(serverName, browsers.Issue(OAuthFlow.IdFor(caller.UserId, serverName), expires), expires);
    }

    /// <summary>The callback: the flow is found and claimed by its single-use state; it must be delivered by the
    /// browser that started it (<paramref name="browserProofFor"/>: the proof the delivering browser holds for a server,
    /// if any) and carry the issuer's <c>iss</c>, both checked before any exchange; exactly one delivery exchanges the
    /// code, and later ones see the outcome.</summary>
    public async Task<CallbackOutcome> HandleCallbackAsync(string? state, string? code, string? error, string? iss, Func<string, string?> browserProofFor, CancellationToken ct)
    {
        var flow = string.IsNullOrEmpty(state) ? null : await flows.ClaimByStateAsync(state, ct);
        if (flow is null)
        {
            return new CallbackOutcome(false, null,
                !string.IsNullOrEmpty(error) ? SafeErrorCode(error) : string.IsNullOrEmpty(state) ? "missing_state" : string.IsNullOrEmpty(code) ? "missing_code" : "invalid_state");
        }

        // Seeing it pending means this delivery now holds the flow (the store moved it to Exchanging); a refused
        // delivery that holds it fails it, one that does not leaves it to the delivery that does.
        var held = flow.Status == FlowStatus.Pending;

        // Authorization-code injection: a code delivered by another browser (someone who was sent the flow's URL)
        // would store that person's grant under the flow's user. The flow's state has been seen elsewhere: it ends.
        if (!browsers.Verify(flow.FlowId, browserProofFor(flow.ServerName), clock.GetUtcNow()))
        {
            await FailHeldAsync(flow, held, BrowserMismatch, ct);
            FlowOutcome("browser_mismatch");
            return new CallbackOutcome(false, flow.ServerName, BrowserMismatch);
        }

        if (flow.Status == FlowStatus.Completed)
        {
            return new CallbackOutcome(true, flow.ServerName, null, flow.UserId);
        }

        if (IsStale(flow))
        {
            await FailHeldAsync(flow, held, "Flow expired", ct);
            FlowOutcome("failed");
            return new CallbackOutcome(false, flow.ServerName, "invalid_state");
        }

        // RFC 9207: an authorization response must come from the issuer the flow was started with, and carry iss
        // whenever that issuer says it always does.
        if ((iss is not null && !Issuers.Same(iss, flow.Issuer)) || (iss is null && flow.IssRequired))
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

        // Where the credentials would go was fixed when the flow started; a server changed (or replaced) since is not
        // what the user authorized.
        var server = await registry.ResolveForPlatformAsync(flow.ServerName, ct);
        if (server is null || server.Credentials != flow.Credentials)
        {
            await flows.TryTransitionAsync(flow.FlowId, FlowStatus.Exchanging, FlowStatus.Failed, "The server's configuration changed during authorization", ct);
            FlowOutcome("failed");
            return new CallbackOutcome(false, flow.ServerName, "callback_failed");
        }

        TokenSet stored;
        try
        {
            var registration = new ClientRegistration(flow.ClientId, await ClientSecretAsync(flow, server, ct), flow.TokenAuthMethod);
            var response = await client.ExchangeCodeAsync(flow, registration, code, ct);
            var tokenSet = ToTokenSet(response, flow.Issuer, flow.TokenEndpoint, flow.ClientId, flow.TokenAuthMethod, flow.Resource, flow.RevocationEndpoint, null, clock.GetUtcNow());
            var version = await tokens.SaveAsync(flow.UserId, flow.Credentials, tokenSet, null, ct)
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

        var stored = await tokens.GetAsync(flow.UserId, flow.Credentials, ct);
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
        // Tokens stored under another binding are not sent anywhere (not even to be revoked), only deleted.
        var stored = await tokens.GetAsync(caller.UserId, server.Credentials, ct);
        if (stored is not null)
        {
            try
            {
                var secret = (await StoredRegistrationAsync(server.Credentials, stored.Issuer, ct))?.ClientSecret ?? server.Config.OAuth?.ClientSecret;
                await client.RevokeAsync(stored, new ClientRegistration(stored.ClientId, secret, stored.TokenAuthMethod), ct);
            }
            catch (OAuthException)
            {
                // Revocation is best effort: the tokens are deleted here either way.
            }
        }

        var deleted = await tokens.DeleteAsync(caller.UserId, server.Id, ct);

        await flows.DeleteAsync(OAuthFlow.IdFor(caller.UserId, server.Name), ct);
        await pool.DisconnectAsync(server.KeyFor(caller.UserId), ct);
        return deleted ? $"Disconnected from {server.Name}; tokens revoked and deleted" : $"No stored tokens for {server.Name}";
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

        if (await StoredRegistrationAsync(server.Credentials, discovery.Issuer, ct) is { } stored)
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
        return await tokens.SaveRegistrationAsync(server.Credentials, discovery.Issuer, registered, ct);
    }

    /// <summary>The registration stored for the server and issuer. Kept while the registry revision holds: one is only
    /// ever added (the first stored wins) or removed with a change to its server, which moves that revision.</summary>
    private Task<ClientRegistration?> StoredRegistrationAsync(CredentialKey key, string issuer, CancellationToken ct) =>
        snapshots.ReadAsync($"registration:{key.ServerId}\n{key.Binding}\n{issuer}", c => tokens.GetRegistrationAsync(key, issuer, c), _ => 1, 1, ct);

    /// <summary>The secret of the flow's client: a stored registration's, else (a pre-registered client) the one in
    /// the server's config — the server as the platform resolves it, since the callback carries no caller.</summary>
    private async Task<string?> ClientSecretAsync(OAuthFlow flow, UsableServer server, CancellationToken ct)
    {
        var stored = await StoredRegistrationAsync(flow.Credentials, flow.Issuer, ct);
        return stored is not null && stored.ClientId == flow.ClientId ? stored.ClientSecret : server.Config.OAuth?.ClientSecret;
    }

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
