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
    /// <summary>The connection status of every server the caller can use, as the listing every caller shares and the
    /// few servers that differ for this caller: those the board (or this instance) holds a connection or an error for,
    /// and OAuth servers with a flow.</summary>
    public async Task<StatusListing> StatusListingAsync(Caller caller, CancellationToken ct)
    {
        var listing = await registry.ListingAsync(caller, ct);
        var cluster = await ReadBoardAsync(caller, ct);
        var held = new Dictionary<string, (UsableServer Server, (ConnectionState State, string? Error) Current)>(StringComparer.Ordinal);
        // With the board, only servers it holds entries for can be anything but idle; without it, each server's
        // session on this instance is looked at.
        var candidates = cluster is null
            ? listing.All()
            : cluster.Keys.Select(key => listing.Find(key.ServerName)).OfType<ServerView>();
        foreach (var view in candidates)
        {
            var server = UsableServer.Of(view);
            var current = Snapshot(caller, server, cluster);
            if (current != (ConnectionState.Disconnected, null))
            {
                held[view.Name] = (server, current);
            }
        }

        // Only OAuth servers that are not connected consult their flows: one round trip for all of them.
        var waiting = listing.Each()
            .Where(v => UsableServer.Of(v).RequiresOAuth && (!held.TryGetValue(v.Name, out var h) || h.Current.State == ConnectionState.Disconnected))
            .DistinctBy(v => v.Name)
            .ToList();
        var found = waiting.Count == 0
            ? new Dictionary<string, (bool Active, bool Failed)>()
            : await flows.FlowStatesAsync(caller.UserId, [.. waiting.Select(v => v.Name)], ct);
        var differing = new Dictionary<string, ServerStatus>(StringComparer.Ordinal);
        foreach (var (name, (server, current)) in held)
        {
            differing[name] = WithFlow(server, current, found.TryGetValue(name, out var flow) ? flow : null);
        }

        foreach (var view in waiting.Where(v => !held.ContainsKey(v.Name) && found.ContainsKey(v.Name)))
        {
            var status = WithFlow(UsableServer.Of(view), (ConnectionState.Disconnected, null), found[view.Name]);
            if (status != ServerStatus.IdleOf(view))
            {
                differing[view.Name] = status;
            }
        }

        return new StatusListing(listing, differing);
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
