using System.Collections.Concurrent;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>The catalogue revisions in this process, for a single instance without Redis: counters.</summary>
public sealed class MemoryCatalogRevisions : ICatalogRevisions
{
    private readonly ConcurrentDictionary<string, long> _tools = new(StringComparer.Ordinal);
    private long _registry;

    public Task<CatalogRevision> ReadAsync(IReadOnlyList<string> serverNames, CancellationToken ct) =>
        Task.FromResult(CatalogRevision.Of(Interlocked.Read(ref _registry), serverNames.Select(s => _tools.GetValueOrDefault(s))));

    public Task<long?> TryReadRegistryAsync(CancellationToken ct) => Task.FromResult<long?>(Interlocked.Read(ref _registry));

    public Task RegistryChangedAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _registry);
        return Task.CompletedTask;
    }

    public Task ToolsChangedAsync(string serverName, CancellationToken ct)
    {
        _tools.AddOrUpdate(serverName, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
