namespace McpPlatform.Domain.Connections;

/// <summary>LibreChat's connection states, as the SPA shows them.</summary>
public enum ConnectionState
{
    Disconnected,
    Connecting,
    Connected,
    Error,
}

public static class ConnectionStates
{
    public static string ToWire(ConnectionState state) => state switch
    {
        ConnectionState.Connecting => "connecting",
        ConnectionState.Connected => "connected",
        ConnectionState.Error => "error",
        _ => "disconnected",
    };
}

/// <summary>What the pool knows about one connection right now; never obtained by connecting.</summary>
public sealed record ConnectionSnapshot(ConnectionState State, string? Error, DateTimeOffset? ConfigStamp, long CredentialStamp = 0);
