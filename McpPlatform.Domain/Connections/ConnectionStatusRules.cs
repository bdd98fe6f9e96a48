namespace McpPlatform.Domain.Connections;

/// <summary>LibreChat's connection-state derivation (reference §6.2), from in-memory state only.</summary>
public static class ConnectionStatusRules
{
    /// <summary>No connection, or one made from an older version of the config, is <c>disconnected</c>.</summary>
    public static ConnectionState Derive(ConnectionSnapshot? snapshot, DateTimeOffset currentStamp) =>
        snapshot is null || snapshot.ConfigStamp != currentStamp ? ConnectionState.Disconnected : snapshot.State;
}
