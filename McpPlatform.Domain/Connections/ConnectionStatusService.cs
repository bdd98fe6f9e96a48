using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>
/// Connection status of the servers a caller can use, never by connecting: from the connection board (what every live
/// instance holds for the caller's own and the shared connections), or, when the board has nothing to add or does not
/// answer promptly, from this instance's own sessions; then the caller's OAuth flows.
/// </summary>
public sealed class ConnectionStatusService(ServerRegistryService registry, IMcpSessions sessions, IConnectionBoard board, OAuthFlowQueries flows)
{
    public async Task<IReadOnlyList<ServerStatus>> StatusAllAsync(Caller caller, CancellationToken ct)
    {
        // Views carry masked configs: enough for the status (never for credentials).
        var servers = (await registry.ListAsync(caller, ct)).Select(v => new UsableServer(v.Id, v.Name, v.Config, v.UpdatedAt, v.Source)).ToList();
        var cluster = await ReadBoardAsync(caller, ct);
        var snapshots = servers.Select(s => (Server: s, State: Snapshot(caller, s, cluster))).ToList();
        // Only OAuth servers that are not connected consult their flows: one round trip for all of them.
        var waiting = snapshots.Where(s => s.Server.RequiresOAuth && s.State.State == ConnectionState.Disconnected).Select(s => s.Server.Name).ToList();
        var found = waiting.Count == 0
            ? new Dictionary<string, (bool Active, bool Failed)>()
            : await flows.FlowStatesAsync(caller.UserId, waiting, ct);
        return [.. snapshots.Select(s => WithFlow(s.Server, s.State, found.TryGetValue(s.Server.Name, out var flow) ? flow : null))];
    }

    public async Task<Result<ServerStatus>> StatusAsync(Caller caller, string name, CancellationToken ct)
    {
        var resolved = await registry.ResolveForUseAsync(caller, name, ct);
        if (!resolved.IsSuccess)
        {
            return resolved.Error!;
        }

        var server = resolved.Value;
        var state = Snapshot(caller, server, await ReadBoardAsync(caller, ct));
        var flow = server.RequiresOAuth && state.State == ConnectionState.Disconnected ? await flows.FlowStateAsync(caller.UserId, server.Name, ct) : ((bool, bool)?)null;
        return WithFlow(server, state, flow);
    }

    /// <summary>The caller's own connections and the shared ones: two owners, whichever of them the servers use.</summary>
    private Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ConnectionSnapshot>>?> ReadBoardAsync(Caller caller, CancellationToken ct) =>
        board.ReadAsync([caller.UserId, ConnectionKey.Shared], ct);

    private (ConnectionState State, string? Error) Snapshot(Caller caller, UsableServer server, IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ConnectionSnapshot>>? cluster)
    {
        var key = server.KeyFor(caller.UserId);
        if (cluster is not null)
        {
            return ConnectionStatusRules.Merge(cluster.TryGetValue(key, out var held) ? held : [], server.Source == ServerSource.App ? null : server.Stamp);
        }

        var snapshot = sessions.Snapshot(key);
        var state = ConnectionStatusRules.Derive(snapshot, server.Stamp);
        return (state, state == ConnectionState.Error ? snapshot?.Error : null);
    }

    /// <summary>LibreChat §6.2: a disconnected OAuth server with a failed (or expired) flow is an error, with a pending one connecting.</summary>
    private static ServerStatus WithFlow(UsableServer server, (ConnectionState State, string? Error) current, (bool Active, bool Failed)? flow) => flow switch
    {
        { Failed: true } => new ServerStatus(server.Name, server.RequiresOAuth, ConnectionState.Error, OAuthMessages.LastAttemptFailed),
        { Active: true } => new ServerStatus(server.Name, server.RequiresOAuth, ConnectionState.Connecting, null),
        _ => new ServerStatus(server.Name, server.RequiresOAuth, current.State, current.Error),
    };
}
