namespace McpPlatform.Domain.Servers;

/// <summary>Where a server is defined: app-level configuration (read-only) or the database (user-managed).</summary>
public enum ServerSource
{
    App,
    Db,
}
