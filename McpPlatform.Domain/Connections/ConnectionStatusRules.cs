namespace McpPlatform.Domain.Connections;

/// <summary>LibreChat's connection-state derivation (reference §6.2), from what the instances know (never by connecting).</summary>
public static class ConnectionStatusRules
{
    /// <summary>No connection, or one made from an older version of the config, is <c>disconnected</c>.</summary>
    public static ConnectionState Derive(ConnectionSnapshot? snapshot, DateTimeOffset currentStamp) =>
        snapshot is null || snapshot.ConfigStamp != currentStamp ? ConnectionState.Disconnected : snapshot.State;

    /// <summary>
    /// One state from the states several instances hold for one key: the best of those made from the current config
    /// (connected, then connecting, then error, then disconnected), with the error of the entry chosen. A
    /// <paramref name="currentStamp"/> of <c>null</c> takes every entry as current: app-level servers, whose config
    /// comes from the deployment's file, carry each instance's own load time as their stamp.
    /// </summary>
    public static (ConnectionState State, string? Error) Merge(IEnumerable<ConnectionSnapshot> snapshots, DateTimeOffset? currentStamp)
    {
        var best = snapshots
            .Where(s => currentStamp is null || s.ConfigStamp == currentStamp)
            .OrderByDescending(s => Rank(s.State))
            .FirstOrDefault();
        return best is null ? (ConnectionState.Disconnected, null) : (best.State, best.State == ConnectionState.Error ? best.Error : null);
    }

    private static int Rank(ConnectionState state) => state switch
    {
        ConnectionState.Connected => 3,
        ConnectionState.Connecting => 2,
        ConnectionState.Error => 1,
        _ => 0,
    };
}
