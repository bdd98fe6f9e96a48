namespace McpPlatform.Domain.Connections;

/// <summary>LibreChat's connection states, as the SPA shows them.</summary>
public enum ConnectionState
{
    Disconnected,
    Connecting,
    Connected,
    Error,
}
