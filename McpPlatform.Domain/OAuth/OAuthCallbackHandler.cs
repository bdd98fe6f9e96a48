using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Servers;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Domain.OAuth;

/// <summary>The authorization server's redirect back to the platform: the flow is found and claimed by its single-use
/// state; it must be delivered by the browser that started it and carry the issuer's <c>iss</c>, both checked before
/// any exchange; exactly one delivery exchanges the code, and later ones see the outcome.</summary>
public sealed class OAuthCallbackHandler(
    ServerRegistryService registry,
    IOAuthFlowStore flows,
    IOAuthClient client,
    ITokenStore tokens,
    IBrowserBinding browsers,
    OAuthClientRegistrations registrations,
    OAuthOptions options,
    TimeProvider clock)
{
    /// <summary>How often, and how many times, a later delivery looks whether the one exchanging the code is done.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private const int PollAttempts = 100;

    /// <param name="browserProofFor">The proof the delivering browser holds for a server, if any.</param>
    public async Task<CallbackOutcome> HandleAsync(string? state, string? code, string? error, string? iss, Func<string, string?> browserProofFor, CancellationToken ct)
    {
        var flow = string.IsNullOrEmpty(state) ? null : await flows.ClaimByStateAsync(state, ct);
        if (flow is null)
        {
            return new CallbackOutcome(false, null,
                !string.IsNullOrEmpty(error) ? SafeErrorCode(error) : string.IsNullOrEmpty(state) ? WireCodes.MissingState : string.IsNullOrEmpty(code) ? WireCodes.MissingCode : WireCodes.InvalidState);
        }

        // Seeing it pending means this delivery now holds the flow (the store moved it to Exchanging); a refused
        // delivery that holds it fails it, one that does not leaves it to the delivery that does.
        var held = flow.Status == FlowStatus.Pending;

        // Authorization-code injection: a code delivered by another browser (someone who was sent the flow's URL)
        // would store that person's grant under the flow's user. The flow's state has been seen elsewhere: it ends.
        if (!browsers.Verify(flow.FlowId, browserProofFor(flow.ServerName), clock.GetUtcNow()))
        {
            return await RefuseAsync(flow, held, WireCodes.CsrfValidationFailed, "browser_mismatch", WireCodes.CsrfValidationFailed, ct);
        }

        if (flow.Status == FlowStatus.Completed)
        {
            return new CallbackOutcome(true, flow.ServerName, null, flow.UserId);
        }

        if (flow.IsStale(clock.GetUtcNow(), options.FlowTtl))
        {
            return await RefuseAsync(flow, held, OAuthMessages.FlowExpired, "failed", WireCodes.InvalidState, ct);
        }

        // RFC 9207: an authorization response must come from the issuer the flow was started with, and carry iss
        // whenever that issuer says it always does.
        if ((iss is not null && !Issuers.Same(iss, flow.Issuer)) || (iss is null && flow.IssRequired))
        {
            return await RefuseAsync(flow, held, WireCodes.IssMismatch, WireCodes.IssMismatch, WireCodes.IssMismatch, ct);
        }

        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code))
        {
            var reason = string.IsNullOrEmpty(error) ? WireCodes.MissingCode : SafeErrorCode(error);
            return await RefuseAsync(flow, held, reason, "failed", reason, ct);
        }

        return held ? await ExchangeAsync(flow, code, ct) : await AwaitOtherDeliveryAsync(flow.FlowId, ct);
    }

    private async Task<CallbackOutcome> ExchangeAsync(OAuthFlow flow, string code, CancellationToken ct)
    {
        // Where the credentials would go was fixed when the flow started; a server changed (or replaced) since is not
        // what the user authorized.
        var server = await registry.ResolveForPlatformAsync(flow.ServerName, ct);
        if (server is null || server.Credentials != flow.Credentials)
        {
            return await RefuseAsync(flow, true, OAuthMessages.ServerChangedDuringFlow, "failed", WireCodes.CallbackFailed, ct);
        }

        var registration = new ClientRegistration(flow.ClientId, await registrations.ClientSecretAsync(flow, server, ct), flow.TokenAuthMethod);
        var response = await client.ExchangeCodeAsync(flow, registration, code, ct);
        if (!response.IsSuccess)
        {
            return await RefuseAsync(flow, true, response.Error!.Message ?? WireCodes.CallbackFailed, "failed", WireCodes.CallbackFailed, ct);
        }

        var tokenSet = TokenSet.From(response.Value, flow.Issuer, flow.TokenEndpoint, flow.ClientId, flow.TokenAuthMethod, flow.Resource, flow.RevocationEndpoint, null, clock.GetUtcNow());
        var version = await tokens.SaveAsync(flow.UserId, flow.Credentials, tokenSet, null, ct)
            ?? throw new InvalidOperationException("Saving tokens without an expected version returned no version");
        await flows.TryTransitionAsync(flow.FlowId, FlowStatus.Exchanging, FlowStatus.Completed, null, ct);
        FlowOutcome("completed");
        return new CallbackOutcome(true, flow.ServerName, null, flow.UserId, tokenSet with { Version = version });
    }

    /// <summary>Ends the flow when this delivery holds it (else it belongs to the one that does) and says why.</summary>
    private async Task<CallbackOutcome> RefuseAsync(OAuthFlow flow, bool held, string reason, string metric, string redirectError, CancellationToken ct)
    {
        if (held)
        {
            await flows.TryTransitionAsync(flow.FlowId, FlowStatus.Exchanging, FlowStatus.Failed, reason, ct);
        }

        FlowOutcome(metric);
        return new CallbackOutcome(false, flow.ServerName, redirectError);
    }

    /// <summary>A repeated delivery (the browser reloaded, the redirect was sent twice) waits for the one exchanging.</summary>
    private async Task<CallbackOutcome> AwaitOtherDeliveryAsync(string flowId, CancellationToken ct)
    {
        for (var i = 0; i < PollAttempts; i++)
        {
            var current = await flows.GetAsync(flowId, ct);
            switch (current?.Status)
            {
                case FlowStatus.Completed:
                    return new CallbackOutcome(true, current.ServerName, null, current.UserId);
                case FlowStatus.Failed or null:
                    return new CallbackOutcome(false, current?.ServerName, WireCodes.CallbackFailed);
            }

            await Task.Delay(PollInterval, clock, ct);
        }

        return new CallbackOutcome(false, null, WireCodes.CallbackFailed);
    }

    private static void FlowOutcome(string outcome) => PlatformTelemetry.OAuthFlows.Add(1, PlatformTelemetry.Tag("outcome", outcome));

    /// <summary>Provider error codes go into a redirect URL: only a short token of safe characters passes.</summary>
    private static string SafeErrorCode(string error) =>
        error.Length <= 64 && error.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') ? error : WireCodes.CallbackFailed;
}
