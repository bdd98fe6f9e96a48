using System.Collections.Concurrent;
using McpPlatform.Domain.Connections;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>
/// The catalogue revisions in Redis, so that a change on one instance is seen by every other. A change stores a new
/// random value rather than incrementing: after Redis lost its data (a restart without persistence), counting again
/// from zero could arrive at a revision some instance still holds for an older catalogue; a random value cannot.
/// </summary>
public sealed class RedisCatalogRevisions(IConnectionMultiplexer redis) : ICatalogRevisions
{
    private const string RegistryKey = "mcp:catalog-rev:registry";

    public async Task<CatalogRevision> ReadAsync(IReadOnlyList<string> serverNames, CancellationToken ct)
    {
        using var span = RedisToolCache.Trace("MGET catalog revisions");
        var values = await redis.GetDatabase().StringGetAsync([RegistryKey, .. serverNames.Select(s => (RedisKey)ToolsKey(s))]);
        return CatalogRevision.Of(Number(values[0]), values.Skip(1).Select(Number));
    }

    // Moving a revision never holds up the change that moved it, nor fails it when Redis is unavailable: the command
    // is queued without waiting for the answer (on this instance it still precedes every later read, on the same
    // connection). One lost with a dropped connection leaves catalogues stale at most ToolCatalogResponses.MaxAge.
    public Task RegistryChangedAsync(CancellationToken ct) => MoveAsync(RegistryKey);

    public Task ToolsChangedAsync(string serverName, CancellationToken ct) => MoveAsync(ToolsKey(serverName));

    private Task MoveAsync(string key)
    {
        try
        {
            return redis.GetDatabase().StringSetAsync(key, Random.Shared.NextInt64(1, long.MaxValue), flags: CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            return Task.CompletedTask;
        }
    }

    private static string ToolsKey(string serverName) => $"mcp:catalog-rev:tools:{serverName}";

    private static long Number(RedisValue value) => value.IsNull ? 0 : (long)value;
}

/// <summary>The catalogue revisions in this process, for a single instance without Redis: counters.</summary>
public sealed class MemoryCatalogRevisions : ICatalogRevisions
{
    private readonly ConcurrentDictionary<string, long> _tools = new(StringComparer.Ordinal);
    private long _registry;

    public Task<CatalogRevision> ReadAsync(IReadOnlyList<string> serverNames, CancellationToken ct) =>
        Task.FromResult(CatalogRevision.Of(Interlocked.Read(ref _registry), serverNames.Select(s => _tools.GetValueOrDefault(s))));

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
