using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Domain.OAuth;

/// <summary>Starting a user's authorization flow for a server: discovery, endpoint reconciliation, client
/// registration and PKCE, and the proof for the browser that starts it.</summary>
public sealed class OAuthFlowStarter(
    IOAuthFlowStore flows,
    IOAuthClient client,
    OAuthClientRegistrations registrations,
    IBrowserBinding browsers,
    OAuthOptions options,
    TimeProvider clock)
{
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
                return new Error(ErrorKind.Forbidden, WireCodes.OAuthStepUpLimit, $"MCP server '{server.Name}' asked for more scope {options.MaxStepUpAttempts} times; not authorizing again");
            }
        }

        if (server.Config.Url is null || !Uri.TryCreate(server.Config.Url, UriKind.Absolute, out var serverUrl))
        {
            return new Error(ErrorKind.Validation, $"MCP server '{server.Name}' has no URL to authorize against");
        }

        var settings = server.Config.OAuth;
        var discovered = await client.DiscoverAsync(serverUrl, challenge, server.Config.OAuthHeaders ?? new Dictionary<string, string>(), OAuthEndpoints.ConfiguredIssuer(settings), ct);
        if (!discovered.IsSuccess)
        {
            return DiscoveryFailed(discovered.Error!);
        }

        var reconciled = OAuthEndpoints.Reconcile(discovered.Value, settings);
        if (!reconciled.IsSuccess)
        {
            FlowOutcome("configuration_mismatch");
            return reconciled.Error!;
        }

        var discovery = reconciled.Value with { CodeChallengeMethods = settings?.CodeChallengeMethodsSupported ?? reconciled.Value.CodeChallengeMethods };
        if (settings?.SkipCodeChallengeCheck != true && discovery.CodeChallengeMethods.Count > 0 && !discovery.CodeChallengeMethods.Contains("S256"))
        {
            return new Error(ErrorKind.UpstreamFailed, WireCodes.OAuthUnsupported, "The authorization server does not support PKCE with S256");
        }

        var scope = Scopes.Union(challenge?.Scope ?? settings?.Scope ?? discovery.Scope, extraScope);
        var redirectUri = options.RedirectUriFor(server.Name);
        var registration = await registrations.ForFlowAsync(server, discovery, redirectUri, scope, ct);
        if (!registration.IsSuccess)
        {
            return DiscoveryFailed(registration.Error!);
        }

        var verifier = Pkce.NewVerifier();
        var state = Pkce.NewState();
        var url = AuthorizeUrl(discovery, registration.Value.ClientId, redirectUri, verifier, state, scope);
        var flow = new OAuthFlow(
            flowId, state, caller.UserId, server.Name, server.Credentials, FlowStatus.Pending, verifier, url, redirectUri, discovery.Resource,
            discovery.Issuer, discovery.TokenEndpoint, registration.Value.ClientId, registration.Value.TokenAuthMethod, scope,
            discovery.RevocationEndpoint, clock.GetUtcNow(), IssRequired: discovery.FromMetadata && discovery.IssParameterSupported, StepUps: stepUps);
        // A flow that asks for more scope replaces a pending one. Otherwise a pending one is kept and this one stored
        // only if there is none; a pending flow older than the flow TTL is replaced after all.
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

    /// <summary>The proof for the caller's browser that it starts the caller's flow for the server (LibreChat's
    /// <c>oauth/bind</c>); valid for as long as a flow is.</summary>
    public BrowserProof ProveBrowser(Caller caller, string serverName)
    {
        var expires = clock.GetUtcNow() + options.FlowTtl;
        return new BrowserProof(serverName, browsers.Issue(OAuthFlow.IdFor(caller.UserId, serverName), expires), expires);
    }

    private static Error DiscoveryFailed(Error error) => new(ErrorKind.UpstreamFailed, WireCodes.OAuthDiscoveryFailed, error.Message);

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

    private bool IsStale(OAuthFlow flow) => flow.IsStale(clock.GetUtcNow(), options.FlowTtl);
}
