using McpPlatform.Domain.Audit;

namespace McpPlatform.Domain.Servers;

/// <summary>Changes to user-managed servers. Each change and its audit record are written in one transaction.</summary>
public interface IServerRepository
{
    /// <summary>
    /// Creates the server and its owner entry, and records <paramref name="audit"/> of the created server, in one
    /// transaction. Name allocation is serialised per base slug: <paramref name="chooseName"/> receives every taken
    /// name that starts with the base slug.
    /// </summary>
    Task<(McpServer? Server, CreateFailure Failure)> CreateAsync(NewServer server, Func<IReadOnlyCollection<string>, string> chooseName, int maxPerAuthor, Func<McpServer, AuditEvent> audit, CancellationToken ct);

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

    /// <summary>Every user-managed server, ordered by name, configs masked (the export).</summary>
    Task<IReadOnlyList<McpServer>> ListAllAsync(CancellationToken ct);
}
