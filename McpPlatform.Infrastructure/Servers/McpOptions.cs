namespace McpPlatform.Infrastructure.Servers;

/// <summary>The <c>Mcp</c> configuration section.</summary>
public sealed class McpOptions
{
    public const string Section = "Mcp";

    /// <summary>A YAML file of app-level servers: a whole <c>librechat.yaml</c> (its <c>mcpServers</c> key) or a bare name → config map.</summary>
    public string? ServersFile { get; set; }

    /// <summary>How many servers one user may own.</summary>
    public int MaxServersPerUser { get; set; } = 100;

    // The connection timers and bounds (UserConnectionIdleTimeout, MaxConnectionsPerUser, ConnectTimeout,
    // ToolCallTimeout, ToolList*, CircuitBreaker*…) bind from this same section into Domain.Connections.ConnectionOptions.
}
