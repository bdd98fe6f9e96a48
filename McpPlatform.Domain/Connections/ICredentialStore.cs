using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>A user's credential variables per server, stored encrypted and bound to a <see cref="CredentialKey"/>:
/// a variable stored under another binding is never read back.</summary>
public interface ICredentialStore
{
    Task<IReadOnlyDictionary<string, string>> GetAsync(string userId, CredentialKey key, CancellationToken ct);

    /// <summary>Sets the given variables (others stay as they are, unless they were stored under another binding:
    /// those go).</summary>
    Task SetAsync(string userId, CredentialKey key, IReadOnlyDictionary<string, string> values, CancellationToken ct);

    /// <summary>Deletes the user's variables for the server, whatever their binding.</summary>
    Task<int> DeleteAsync(string userId, Guid serverId, CancellationToken ct);

    /// <summary>For each server (by id), the names of the variables the user has set (no values). A hint for the
    /// catalogue's <c>authenticated</c> flag, so bindings are not checked: what counts is <see cref="GetAsync"/>.</summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlySet<string>>> ListNamesAsync(string userId, CancellationToken ct);
}
