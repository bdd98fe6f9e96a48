namespace McpPlatform.Domain.Connections;

/// <summary>The tool catalogue's side of the sessions: it keeps what they listed in the tool cache, per key.</summary>
public sealed class ToolCatalogWriter(IToolCache cache) : IToolListObserver
{
    public Task ListedAsync(ConnectionKey key, IReadOnlyList<ToolInfo> tools, CancellationToken ct) => cache.SetAsync(key.ServerName, key.Owner, tools, ct);

    public Task ForgetAsync(ConnectionKey key, CancellationToken ct) => cache.RemoveAsync(key.ServerName, key.Owner, ct);

    public Task ForgetServerAsync(string serverName, CancellationToken ct) => cache.RemoveServerAsync(serverName, ct);
}
