using System.Text.Json;
using McpPlatform.Domain.Connections;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>
/// Tool lists in Redis, shared by every instance. Keys carry a per-server epoch, so forgetting a server's tools for
/// every owner is one INCR instead of a key scan; the old keys expire on their own. Every write moves the server's
/// catalogue revision, so that catalogues rendered from the old lists are rebuilt.
/// </summary>
public sealed class RedisToolCache(IConnectionMultiplexer redis, ICatalogRevisions revisions) : IToolCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    // A write reads the server's epoch and addresses the key under it in one round trip (the key is named inside the
    // script from ARGV[1] .. epoch .. ARGV[2], as only a single Redis, not a cluster, allows).
    private const string SetScript = """
        local epoch = redis.call('GET', KEYS[1]) or '0'
        redis.call('SET', ARGV[1] .. epoch .. ARGV[2], ARGV[3], 'PX', ARGV[4])
        """;

    private const string RemoveScript = """
        local epoch = redis.call('GET', KEYS[1]) or '0'
        return redis.call('DEL', ARGV[1] .. epoch .. ARGV[2])
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

        using var span = RedisTrace.Start("MGET tools");
        var db = redis.GetDatabase();
        var servers = keys.Select(k => k.ServerName).Distinct(StringComparer.Ordinal).ToList();
        var epochs = await db.StringGetAsync([.. servers.Select(s => (RedisKey)EpochKey(s))]);
        var epochOf = servers.Select((s, i) => (s, epochs[i].IsNull ? "0" : epochs[i].ToString())).ToDictionary(p => p.s, p => p.Item2, StringComparer.Ordinal);
        var values = await db.StringGetAsync([.. keys.Select(k => (RedisKey)ToolsKey(k, epochOf[k.ServerName]))]);
        for (var i = 0; i < keys.Count; i++)
        {
            if (!values[i].IsNull)
            {
                result[keys[i]] = JsonSerializer.Deserialize<List<ToolInfo>>(values[i].ToString(), Json) ?? [];
            }
        }

        return result;
    }

    public async Task SetAsync(string serverName, string owner, IReadOnlyList<ToolInfo> tools, CancellationToken ct)
    {
        using var span = RedisTrace.Start("SET tools");
        await redis.GetDatabase().ScriptEvaluateAsync(SetScript, [EpochKey(serverName)],
            [ToolsKeyPrefix(serverName), ToolsKeySuffix(owner), JsonSerializer.Serialize(tools, Json), (long)Lifetime.TotalMilliseconds]);
        await revisions.ToolsChangedAsync(serverName, ct);
    }

    public async Task RemoveAsync(string serverName, string owner, CancellationToken ct)
    {
        using var span = RedisTrace.Start("DEL tools");
        await redis.GetDatabase().ScriptEvaluateAsync(RemoveScript, [EpochKey(serverName)], [ToolsKeyPrefix(serverName), ToolsKeySuffix(owner)]);
        await revisions.ToolsChangedAsync(serverName, ct);
    }

    public async Task RemoveServerAsync(string serverName, CancellationToken ct)
    {
        await redis.GetDatabase().StringIncrementAsync(EpochKey(serverName));
        await revisions.ToolsChangedAsync(serverName, ct);
    }

    private static string EpochKey(string serverName) => $"mcp:tools-epoch:{serverName}";

    private static string ToolsKey(ConnectionKey key, string epoch) => ToolsKeyPrefix(key.ServerName) + epoch + ToolsKeySuffix(key.Owner);

    private static string ToolsKeyPrefix(string serverName) => $"mcp:tools:{serverName}:";

    private static string ToolsKeySuffix(string owner) => ":" + owner;
}
