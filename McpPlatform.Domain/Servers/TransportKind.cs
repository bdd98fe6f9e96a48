namespace McpPlatform.Domain.Servers;

/// <summary>How a server is reached (its <c>type</c>, or what LibreChat infers without one).</summary>
public enum TransportKind
{
    StreamableHttp,
    Sse,
    Stdio,
    WebSocket,
    Unknown,
}
