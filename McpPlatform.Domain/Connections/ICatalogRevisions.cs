namespace McpPlatform.Domain.Connections;

/// <summary>
/// Revisions of what tool catalogues are built from, shared by every instance: one for the registry (servers and who
/// may see them) and one per server for its cached tool lists, each a value that every change replaces. A catalogue
/// built at some revision can be served again, without rebuilding it, for as long as those values have not moved.
/// </summary>
public interface ICatalogRevisions
{
    /// <summary>The registry's revision and each named server's tools revision, in at most one round trip.</summary>
    Task<CatalogRevision> ReadAsync(IReadOnlyList<string> serverNames, CancellationToken ct);

    /// <summary>The registry's revision, or null when it cannot be read promptly (the shared store is down or slow):
    /// then nothing kept from the registry may be served, and the registry itself is read.</summary>
    Task<long?> TryReadRegistryAsync(CancellationToken ct);

    /// <summary>A server was created, changed or deleted, or its ACL changed.</summary>
    Task RegistryChangedAsync(CancellationToken ct);

    /// <summary>A tool list of the server was stored or forgotten (for any owner).</summary>
    Task ToolsChangedAsync(string serverName, CancellationToken ct);
}
