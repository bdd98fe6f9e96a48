namespace McpPlatform.Domain.Connections;

/// <summary>The wire names of <see cref="ConnectionState"/>.</summary>
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
