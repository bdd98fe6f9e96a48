using System.Collections.Concurrent;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>Tool lists in this process, for a single instance without Redis.</summary>
public sealed class MemoryToolCache(ICatalogRevisions revisions) : IToolCache
{
    private readonly ConcurrentDictionary<ConnectionKey, IReadOnlyList<ToolInfo>> _tools = new();

    public Task<IReadOnlyList<ToolInfo>?> GetAsync(string serverName, string owner, CancellationToken ct) =>
        Task.FromResult(_tools.GetValueOrDefault(new ConnectionKey(serverName, owner)));

    public Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ToolInfo>>> GetManyAsync(IReadOnlyList<ConnectionKey> keys, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ToolInfo>>>(
            keys.Where(_tools.ContainsKey).Distinct().ToDictionary(k => k, k => _tools[k]));

    public Task SetAsync(string serverName, string owner, IReadOnlyList<ToolInfo> tools, CancellationToken ct)
    {
        _tools[new ConnectionKey(serverName, owner)] = tools;
        return revisions.ToolsChangedAsync(serverName, ct);
    }

    public Task RemoveAsync(string serverName, string owner, CancellationToken ct)
    {
        _tools.TryRemove(new ConnectionKey(serverName, owner), out _);
        return revisions.ToolsChangedAsync(serverName, ct);
    }

    public Task RemoveServerAsync(string serverName, CancellationToken ct)
    {
        foreach (var key in _tools.Keys.Where(k => k.ServerName == serverName))
        {
            _tools.TryRemove(key, out _);
        }

        return revisions.ToolsChangedAsync(serverName, ct);
    }
}
