using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.OAuth;

/// <summary>The flow routes (status, token info, cancel), each for the caller's own flows only, and the flow state
/// that connection status derives from.</summary>
public sealed class OAuthFlowQueries(IOAuthFlowStore flows, ITokenStore tokens, OAuthOptions options, TimeProvider clock)
{
    public static readonly Error AccessDenied = new(ErrorKind.Forbidden, OAuthMessages.AccessDenied);
    public static readonly Error FlowNotFound = new(ErrorKind.NotFound, OAuthMessages.FlowNotFound);

    /// <summary><c>GET /oauth/status/{flowId}</c>.</summary>
    public async Task<Result<FlowStatusView>> StatusAsync(Caller caller, string flowId, CancellationToken ct)
    {
        var owned = await OwnFlowAsync(caller, flowId, ct);
        if (!owned.IsSuccess)
        {
            return owned.Error!;
        }

        var flow = owned.Value;
        var stale = IsStale(flow);
        var status = flow.Status switch
        {
            FlowStatus.Completed => "COMPLETED",
            FlowStatus.Failed => "FAILED",
            _ when stale => "FAILED",
            _ => "PENDING",
        };
        return new FlowStatusView(status, status == "COMPLETED", status == "FAILED", flow.Error ?? (stale && status == "FAILED" ? OAuthMessages.FlowExpired : null));
    }

    /// <summary><c>GET /oauth/tokens/{flowId}</c>: whether the flow left tokens, never their values.</summary>
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
            return new Error(ErrorKind.Validation, OAuthMessages.FlowNotCompleted);
        }

        var stored = await tokens.GetAsync(flow.UserId, flow.Credentials, ct);
        return stored is null ? FlowNotFound : new TokenInfo(stored.TokenType, stored.ExpiresAt, stored.Scope, stored.RefreshToken is not null);
    }

    /// <summary><c>POST /oauth/cancel/{serverName}</c>: ends the caller's pending flow; LibreChat's message either way.</summary>
    public async Task<string> CancelAsync(Caller caller, string serverName, CancellationToken ct)
    {
        var flow = await flows.GetAsync(OAuthFlow.IdFor(caller.UserId, serverName), ct);
        if (flow is not { Status: FlowStatus.Pending })
        {
            return OAuthMessages.NothingToCancel;
        }

        await flows.SaveAsync(flow with { Cancelled = true, Status = FlowStatus.Failed, Error = OAuthMessages.CancelledByUser }, ct);
        return OAuthMessages.Cancelled(serverName);
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

    private bool IsStale(OAuthFlow flow) => flow.IsStale(clock.GetUtcNow(), options.FlowTtl);

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
}
