namespace McpPlatform.Domain.Connections;

/// <summary>
/// Revisions of the cached tool lists, one per server and shared by every instance: each stored or forgotten tool list
/// moves its server's revision. A catalogue built at some revisions (these and the registry's) can be served again,
/// without rebuilding it, for as long as none of them has moved.
/// </summary>
public interface ICatalogRevisions
{
    /// <summary>Each named server's tools revision, in order, in at most one round trip.</summary>
    Task<IReadOnlyList<long>> ReadToolsAsync(IReadOnlyList<string> serverNames, CancellationToken ct);

    /// <summary>A tool list of the server was stored or forgotten (for any owner).</summary>
    Task ToolsChangedAsync(string serverName, CancellationToken ct);
}
