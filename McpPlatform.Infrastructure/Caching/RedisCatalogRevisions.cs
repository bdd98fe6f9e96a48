using System.Collections.Concurrent;
using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Redis;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>
/// The tools revisions in Redis, so that a tool list stored on one instance is seen by every other. A change moves a
/// server's revision by an awaited script on its own key that sets it to max(current + 1, Redis's clock in µs):
/// monotonic, and after Redis lost its data (a restart without persistence) the next value still lies beyond every
/// earlier one, so a catalogue rendered at an old revision is never served again. Keys are read with single-key GETs
/// sent together (the client pipelines them, each to its node on a Redis Cluster), never one MGET across slots.
/// Values read from Redis are reused for <see cref="Freshness"/>, so that a catalogue asked for many times a second
/// is checked against Redis a few times a second; this instance's own changes are seen at once (it keeps the value
/// it stored), other instances' within <see cref="Freshness"/>.
/// </summary>
public sealed class RedisCatalogRevisions(IConnectionMultiplexer redis, RedisCircuit circuit, TimeProvider clock) : ICatalogRevisions
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(250);
    private const int MaxKnown = 100_000;

    /// <summary>KEYS[1]: the revision. Lua numbers are doubles: microseconds since 1970 (≈ 2^51) stay exact.</summary>
    private const string MoveScript = """
        local now = redis.call('TIME')
        local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
        local next = math.max(current + 1, tonumber(now[1]) * 1000000 + tonumber(now[2]))
        redis.call('SET', KEYS[1], string.format('%d', next))
        return string.format('%d', next)
        """;

    private readonly ConcurrentDictionary<string, (long Value, long ReadAt)> _known = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<long>> ReadToolsAsync(IReadOnlyList<string> serverNames, CancellationToken ct)
    {
        var keys = serverNames.Select(ToolsKey).ToArray();
        var now = clock.GetTimestamp();
        var values = new long[keys.Length];
        var stale = new List<int>();
        for (var i = 0; i < keys.Length; i++)
        {
            if (_known.TryGetValue(keys[i], out var known) && clock.GetElapsedTime(known.ReadAt, now) < Freshness)
            {
                values[i] = known.Value;
            }
            else
            {
                stale.Add(i);
            }
        }

        if (stale.Count > 0)
        {
            using var span = RedisTrace.Start("GET catalog revisions");
            var db = redis.GetDatabase();
            var read = await circuit.RunAsync(() => Task.WhenAll(stale.Select(i => db.StringGetAsync(keys[i]))), ct);
            if (_known.Count > MaxKnown)
            {
                _known.Clear();
            }

            for (var j = 0; j < stale.Count; j++)
            {
                var value = values[stale[j]] = read[j].IsNull ? 0 : (long)read[j];
                // A value this instance stored while the read was under way is newer than what the read saw.
                _known.AddOrUpdate(keys[stale[j]], (value, now), (_, existing) => existing.ReadAt > now ? existing : (value, now));
            }
        }

        return values;
    }

    /// <summary>Awaited: the tool list change that moved it is only done once every instance can see the new revision.</summary>
    public async Task ToolsChangedAsync(string serverName, CancellationToken ct)
    {
        var key = ToolsKey(serverName);
        using var span = RedisTrace.Start("EVAL catalog revision move");
        var value = (long)await circuit.RunAsync(() => redis.GetDatabase().ScriptEvaluateAsync(MoveScript, [key]), ct);
        _known[key] = (value, clock.GetTimestamp());
    }

    /// <summary>The server in braces is a hash tag: the revision lies in the slot of the server's tool lists.</summary>
    public static string ToolsKey(string serverName) => $"mcp:catalog-rev:tools:{{{serverName}}}";
}
