using System.Globalization;
using System.Text.Json;
using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Redis;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>
/// Tool lists in Redis, shared by every instance: one hash per server, <c>mcp:tools:{server}</c>, with a field per
/// owner, beside a sorted set of when each field expires. Both keys carry the server in a hash tag, so on a Redis
/// Cluster they share a slot: a write is one script on both, and forgetting a server's tools for every owner is one DEL.
/// A field's value carries its own expiry (per-field TTLs need Redis 7.4); reads ignore expired fields and writes prune
/// them, and the keys themselves expire a lifetime after the last write. Every write moves the server's catalogue
/// revision, so that catalogues rendered from the old lists are rebuilt.
/// </summary>
public sealed class RedisToolCache(IConnectionMultiplexer redis, RedisCircuit circuit, ICatalogRevisions revisions, TimeProvider clock) : IToolCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>KEYS: the lists, their expiries. ARGV: owner, value, its expiry and now (Unix ms), lifetime (ms).</summary>
    private const string SetScript = """
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
        for i = 1, #expired, 500 do
            redis.call('HDEL', KEYS[1], unpack(expired, i, math.min(i + 499, #expired)))
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        """;

    private const string RemoveScript = """
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<ToolInfo>?> GetAsync(string serverName, string owner, CancellationToken ct)
    {
        var all = await GetManyAsync([new ConnectionKey(serverName, owner)], ct);
        return all.Values.FirstOrDefault();
    }

    public async Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ToolInfo>>> GetManyAsync(IReadOnlyList<ConnectionKey> keys, CancellationToken ct)
    {
        var result = new Dictionary<ConnectionKey, IReadOnlyList<ToolInfo>>();
        if (keys.Count == 0)
        {
            return result;
        }

        // One HMGET per server, sent together: the client pipelines them, each to the node holding its server's slot.
        using var span = RedisTrace.Start("HMGET tools");
        var db = redis.GetDatabase();
        var servers = keys.GroupBy(k => k.ServerName, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var values = await circuit.RunAsync(
            () => Task.WhenAll(servers.Select(group => db.HashGetAsync(ListsKey(group[0].ServerName), [.. group.Select(k => (RedisValue)k.Owner)]))), ct);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        for (var s = 0; s < servers.Count; s++)
        {
            for (var i = 0; i < servers[s].Count; i++)
            {
                if (Unexpired(values[s][i], now) is { } json)
                {
                    result[servers[s][i]] = JsonSerializer.Deserialize<List<ToolInfo>>(json, Json) ?? [];
                }
            }
        }

        return result;
    }

    public async Task SetAsync(string serverName, string owner, IReadOnlyList<ToolInfo> tools, CancellationToken ct)
    {
        using (RedisTrace.Start("EVAL tools set"))
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var expires = now + (long)Lifetime.TotalMilliseconds;
            var value = expires.ToString(CultureInfo.InvariantCulture) + "|" + JsonSerializer.Serialize(tools, Json);
            await circuit.RunAsync(() => redis.GetDatabase().ScriptEvaluateAsync(SetScript, [ListsKey(serverName), ExpiriesKey(serverName)],
                [owner, value, expires, now, (long)Lifetime.TotalMilliseconds]), ct);
        }

        await revisions.ToolsChangedAsync(serverName, ct);
    }

    public async Task RemoveAsync(string serverName, string owner, CancellationToken ct)
    {
        using (RedisTrace.Start("EVAL tools remove"))
        {
            await circuit.RunAsync(() => redis.GetDatabase().ScriptEvaluateAsync(RemoveScript, [ListsKey(serverName), ExpiriesKey(serverName)], [owner]), ct);
        }

        await revisions.ToolsChangedAsync(serverName, ct);
    }

    public async Task RemoveServerAsync(string serverName, CancellationToken ct)
    {
        using (RedisTrace.Start("DEL tools"))
        {
            await circuit.RunAsync(() => redis.GetDatabase().KeyDeleteAsync([ListsKey(serverName), ExpiriesKey(serverName)]), ct);
        }

        await revisions.ToolsChangedAsync(serverName, ct);
    }

    /// <summary>The server in braces is the hash tag: every key of one server's tools lies in the same cluster slot.</summary>
    public static string ListsKey(string serverName) => $"mcp:tools:{{{serverName}}}";

    public static string ExpiriesKey(string serverName) => $"mcp:tools:{{{serverName}}}:expiries";

    private static string? Unexpired(RedisValue value, long now)
    {
        if (value.IsNull)
        {
            return null;
        }

        var text = value.ToString();
        var separator = text.IndexOf('|', StringComparison.Ordinal);
        return separator > 0 && long.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var expires) && expires > now
            ? text[(separator + 1)..]
            : null;
    }
}
