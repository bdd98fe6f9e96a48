using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>The registry's reads that carry the caller's ACL bits, each one statement whatever the registry's size.</summary>
public interface IServerQueries
{
    /// <summary>The server by name and the OR of the bits of the ACL entries matching the principals.</summary>
    Task<ServerAccess?> FindAsync(string name, IReadOnlyList<PrincipalKey> principals, CancellationToken ct);

    /// <summary>The server by name with its ACL entries, at most <paramref name="maxGrants"/> of them (none and not
    /// <see cref="SharedServer.Complete"/> when it has more).</summary>
    Task<SharedServer?> FindSharedAsync(string name, int maxGrants, CancellationToken ct);

    Task<ServerAccess?> FindByIdAsync(Guid id, IReadOnlyList<PrincipalKey> principals, CancellationToken ct);

    /// <summary>Every server the principals can VIEW, ordered by name; configs masked.</summary>
    Task<IReadOnlyList<McpServer>> ListVisibleAsync(IReadOnlyList<PrincipalKey> principals, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> visible servers with a name after <paramref name="after"/>, ordered by
    /// name, optionally only those whose name, title or description contains <paramref name="search"/>; configs masked.</summary>
    Task<IReadOnlyList<McpServer>> PageVisibleAsync(IReadOnlyList<PrincipalKey> principals, string? after, int limit, string? search, CancellationToken ct);
}
