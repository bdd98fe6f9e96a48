namespace McpPlatform.Domain.Connections;

/// <summary>Cached tool lists per (server, owner); the owner is a user id, or <see cref="ConnectionKey.Shared"/>. Every
/// set and remove moves the server's tools revision (<see cref="ICatalogRevisions"/>) before it returns, so a server
/// whose revision never moved has nothing cached.</summary>
public interface IToolCache
{
    Task<IReadOnlyList<ToolInfo>?> GetAsync(string serverName, string owner, CancellationToken ct);

    /// <summary>Several lists in one round trip; keys without a cached list are absent.</summary>
    Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ToolInfo>>> GetManyAsync(IReadOnlyList<ConnectionKey> keys, CancellationToken ct);

    Task SetAsync(string serverName, string owner, IReadOnlyList<ToolInfo> tools, CancellationToken ct);

    Task RemoveAsync(string serverName, string owner, CancellationToken ct);

    /// <summary>Forgets every owner's tools for the server.</summary>
    Task RemoveServerAsync(string serverName, CancellationToken ct);
}
