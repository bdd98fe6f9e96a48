using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>A user's credential variables per server, stored encrypted and bound to a <see cref="CredentialKey"/>:
/// a variable stored under another binding is never read back.</summary>
public interface ICredentialStore
{
    Task<IReadOnlyDictionary<string, string>> GetAsync(string userId, CredentialKey key, CancellationToken ct);

    /// <summary>Sets the given variables (others stay as they are, unless they were stored under another binding:
    /// those go) and records <paramref name="audit"/>, in one transaction.</summary>
    Task SetAsync(string userId, CredentialKey key, IReadOnlyDictionary<string, string> values, Audit.AuditEvent audit, CancellationToken ct);

    /// <summary>Deletes the user's variables for the server, whatever their binding, and records
    /// <paramref name="audit"/>, in one transaction.</summary>
    Task<int> DeleteAsync(string userId, Guid serverId, Audit.AuditEvent audit, CancellationToken ct);

    /// <summary>For each server (by id), the names of the variables the user has set (no values). A hint for the
    /// catalogue's <c>authenticated</c> flag, so bindings are not checked: what counts is <see cref="GetAsync"/>.</summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlySet<string>>> ListNamesAsync(string userId, CancellationToken ct);
}
