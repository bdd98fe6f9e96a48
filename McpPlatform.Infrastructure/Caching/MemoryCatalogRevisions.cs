using System.Collections.Concurrent;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>The tools revisions in this process, for a single instance without Redis: counters.</summary>
public sealed class MemoryCatalogRevisions : ICatalogRevisions
{
    private readonly ConcurrentDictionary<string, long> _tools = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<long>> ReadToolsAsync(IReadOnlyList<string> serverNames, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<long>>([.. serverNames.Select(s => _tools.GetValueOrDefault(s))]);

    public Task ToolsChangedAsync(string serverName, CancellationToken ct)
    {
        _tools.AddOrUpdate(serverName, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
