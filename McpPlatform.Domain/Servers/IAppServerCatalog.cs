namespace McpPlatform.Domain.Servers;

/// <summary>App-level servers, loaded from configuration at start-up; read-only.</summary>
public interface IAppServerCatalog
{
    /// <summary>All app-level servers, ordered by name (ordinal).</summary>
    IReadOnlyList<AppServer> All { get; }

    AppServer? Find(string name);
}
