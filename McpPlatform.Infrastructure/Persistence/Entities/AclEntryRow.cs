namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>One ACL entry: a principal's bits on a server (<c>acl_entries</c>).</summary>
public sealed class AclEntryRow
{
    public long Id { get; set; }
    public required string PrincipalType { get; set; }
    public required string PrincipalId { get; set; }
    public required string ResourceType { get; set; }
    public Guid ResourceId { get; set; }

    /// <summary>The server's name, copied here so that each principal's entries can be read in name order from one index.
    /// Server names never change, so the copy never goes stale.</summary>
    public required string ResourceName { get; set; }

    public int PermBits { get; set; }

    /// <summary>The server's search text, copied here so that search reads the caller's shared servers from the same
    /// index as the list, in place of their rows; null when the text is longer than an index entry can always hold
    /// (<see cref="ServerRow.IndexedSearchTextMaxBytes"/>: search then reads the server's row). Kept by triggers
    /// (migrations <c>AclSearchText</c>, <c>SearchTextFitsIndexes</c>): set from the server on insert, rewritten when
    /// the server's search text changes; never written by the application.</summary>
    public string? SearchText { get; set; }

    public required string AccessRoleId { get; set; }
    public string? GrantedBy { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
}

// Tokens, registrations and credential variables are keyed by the server's immutable id (an app-level server's is
// derived from its name; it has no row in mcp_servers, so there is no foreign key), never by its name, and carry the
// credential binding they were stored under (see Domain CredentialBinding): a row whose binding is not the server's
// current one is never read back.
