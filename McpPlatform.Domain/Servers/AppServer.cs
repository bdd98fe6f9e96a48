namespace McpPlatform.Domain.Servers;

/// <summary>A server from app-level configuration (YAML file or appsettings).</summary>
public sealed record AppServer(string Name, McpServerConfig Config, DateTimeOffset LoadedAt)
{
    public Guid Id => ServerIds.ForAppServer(Name);
}
