using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>User-managed servers, persisted.</summary>
public interface IServerRepository
{
    /// <summary>One statement: the server by name and the OR of the bits of the ACL entries matching the principals.</summary>
    Task<ServerAccess?> FindAsync(string name, IReadOnlyList<PrincipalKey> principals, CancellationToken ct);

    /// <summary>One statement: the server by name with its ACL entries, at most <paramref name="maxGrants"/> of them
    /// (none and not <see cref="SharedServer.Complete"/> when it has more).</summary>
    Task<SharedServer?> FindSharedAsync(string name, int maxGrants, CancellationToken ct);

    Task<ServerAccess?> FindByIdAsync(Guid id, IReadOnlyList<PrincipalKey> principals, CancellationToken ct);

    /// <summary>
    /// Creates the server and its owner entry in one transaction. Name allocation is serialised per base slug:
    /// <paramref name="chooseName"/> receives every taken name that starts with the base slug.
    /// </summary>
    Task<(McpServer? Server, CreateFailure Failure)> CreateAsync(NewServer server, Func<IReadOnlyCollection<string>, string> chooseName, int maxPerAuthor, CancellationToken ct);

    /// <summary>Replaces the config (and secrets) and records <paramref name="audit"/>, in one transaction. With
    /// <paramref name="expectedVersion"/> the write only happens when it still matches. <paramref name="revokeCredentials"/>
    /// also deletes every user's tokens and credential variables and the client registrations for the server (their
    /// counts are added to the audit record). Returns null when the server is gone or the version did not match.</summary>
    Task<McpServer?> UpdateAsync(Guid id, McpServerConfig config, long? expectedVersion, bool revokeCredentials, AuditEvent audit, CancellationToken ct);

    /// <summary>Deletes the server with everything hanging off it (ACL entries, tokens, registrations, credential
    /// variables) and records <paramref name="audit"/>, in one transaction.</summary>
    Task<bool> DeleteAsync(Guid id, long? expectedVersion, AuditEvent audit, CancellationToken ct);

    /// <summary>Sets the server-managed <c>requiresOAuth</c> flag without changing the server's version (its
    /// connections stay valid).</summary>
    Task MarkRequiresOAuthAsync(string name, CancellationToken ct);

    /// <summary>Every server the principals can VIEW, ordered by name.</summary>
    Task<IReadOnlyList<McpServer>> ListVisibleAsync(IReadOnlyList<PrincipalKey> principals, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> visible servers with a name after <paramref name="after"/>, ordered by
    /// name, optionally only those whose name, title or description contains <paramref name="search"/>.</summary>
    Task<IReadOnlyList<McpServer>> PageVisibleAsync(IReadOnlyList<PrincipalKey> principals, string? after, int limit, string? search, CancellationToken ct);
}
