namespace McpPlatform.Domain.Connections;

/// <summary>The timers and bounds the connection layer uses; all configurable so tests can shorten them. Bound and
/// validated in the infrastructure, which names the configuration key of a bad value.</summary>
public sealed class ConnectionOptions
{
    /// <summary>8 MiB: a tools/list page of <see cref="ToolListMaxBytes"/> or a result of <see cref="ToolResultMaxBytes"/>
    /// (5 MiB each by default) fits, with room for the JSON-RPC envelope, SSE framing and escaping.</summary>
    public const long DefaultMaxMessageBytes = 8 * 1024 * 1024;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan ToolCallTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public int ConnectAttempts { get; set; } = 2;
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(500);
    public int CircuitBreakerFailures { get; set; } = 3;
    public TimeSpan CircuitBreakerCooldown { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan UserConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);
    public int MaxConnectionsPerUser { get; set; } = 50;
    public int ToolListMaxPages { get; set; } = 50;
    public int ToolListMaxTools { get; set; } = 1000;
    public long ToolListMaxBytes { get; set; } = 5 * 1024 * 1024;
    public TimeSpan ToolListTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public long ToolResultMaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>The largest MCP message read from a server over HTTP (a JSON body, or one SSE event), counted as it is
    /// read, before the SDK buffers or parses it: past it the request and the session fail.</summary>
    public long MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    public ToolListLimits ToolListLimits => new(ToolListMaxPages, ToolListMaxTools, ToolListMaxBytes, ToolListTimeout);
}
