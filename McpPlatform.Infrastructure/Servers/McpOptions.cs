namespace McpPlatform.Infrastructure.Servers;

/// <summary>The <c>Mcp</c> configuration section.</summary>
public sealed class McpOptions
{
    public const string Section = "Mcp";

    /// <summary>A YAML file of app-level servers: a whole <c>librechat.yaml</c> (its <c>mcpServers</c> key) or a bare name → config map.</summary>
    public string? ServersFile { get; set; }

    /// <summary>How many servers one user may own.</summary>
    public int MaxServersPerUser { get; set; } = 100;

    public TimeSpan UserConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    public int MaxConnectionsPerUser { get; set; } = 50;
}
