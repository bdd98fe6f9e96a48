namespace McpPlatform.Domain.Servers;

/// <summary>A config's <see cref="TransportKind"/>.</summary>
public static class Transports
{
    /// <summary>LibreChat infers a missing type: a command means stdio, a ws(s) URL websocket, any other URL sse.</summary>
    public static TransportKind Of(McpServerConfig config) => config.Type switch
    {
        "streamable-http" or "http" => TransportKind.StreamableHttp,
        "sse" => TransportKind.Sse,
        "stdio" => TransportKind.Stdio,
        "websocket" => TransportKind.WebSocket,
        null when config.Command is not null => TransportKind.Stdio,
        null when config.Url is not null && (config.Url.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) || config.Url.StartsWith("wss://", StringComparison.OrdinalIgnoreCase)) => TransportKind.WebSocket,
        null when config.Url is not null => TransportKind.Sse,
        _ => TransportKind.Unknown,
    };
}
