using System.Collections.Concurrent;
using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Concurrency;
using McpPlatform.Infrastructure.Redis;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>
/// The tools revisions in Redis, so that a tool list stored on one instance is seen by every other: one sorted set of
/// the servers whose tool lists ever changed, scored by revision, and the highest revision handed out, both in one
/// slot (the hash tag). A change sets its server's score to max(highest + 1, Redis's clock in µs) by an awaited
/// script, so revisions only grow, across all servers, even after Redis lost its data. Each instance keeps the whole
/// set in memory and reads only what was scored past the highest revision it has seen, at most every
/// <see cref="Freshness"/> and one read at a time: reading the revisions of a caller's 21,000 servers is a
/// dictionary lookup each, and a server never listed has revision 0 without asking Redis. This instance's own changes
/// are seen at once, other instances' within <see cref="Freshness"/>. Redis losing the set (its highest revision
/// below what this instance saw) makes the instance read it whole again.
/// </summary>
public sealed class RedisCatalogRevisions : ICatalogRevisions
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(250);

    /// <summary>The set and the highest revision: one slot, so each script gets both keys.</summary>
    public const string RevisionsKey = "mcp:{mcp-tools}:revisions";
    public const string HighestKey = "mcp:{mcp-tools}:highest";

    /// <summary>KEYS[1] set, KEYS[2] highest; ARGV[1] server. Lua numbers are doubles: µs since 1970 (≈ 2^51) stay exact.</summary>
    private const string MoveScript = """
        local now = redis.call('TIME')
        local highest = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
        local next = string.format('%d', math.max(highest + 1, tonumber(now[1]) * 1000000 + tonumber(now[2])))
        redis.call('SET', KEYS[2], next)
        redis.call('ZADD', KEYS[1], next, ARGV[1])
        return next
        """;

    /// <summary>KEYS[1] set, KEYS[2] highest; ARGV[1] the lowest score to read (exclusive, or "-inf").</summary>
    private const string ReadScript = """
        return { redis.call('GET', KEYS[2]) or '0', redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'WITHSCORES') }
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisCircuit _circuit;
    private readonly TimeProvider _clock;
    private readonly CoalescingRunner<bool> _refresh;
    private readonly ConcurrentDictionary<string, long> _revisions = new(StringComparer.Ordinal);
    private long _seen;
    private long _refreshedAt = long.MinValue;

    public RedisCatalogRevisions(IConnectionMultiplexer redis, RedisCircuit circuit, TimeProvider clock)
    {
        (_redis, _circuit, _clock) = (redis, circuit, clock);
        _refresh = new CoalescingRunner<bool>(RefreshAsync);
    }

    public async Task<IReadOnlyList<long>> ReadToolsAsync(IReadOnlyList<string> serverNames, CancellationToken ct)
    {
        if (_refreshedAt == long.MinValue || _clock.GetElapsedTime(Volatile.Read(ref _refreshedAt)) >= Freshness)
        {
            await _refresh.RequestAsync().WaitAsync(ct);
        }

        var values = new long[serverNames.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _revisions.GetValueOrDefault(serverNames[i]);
        }

        return values;
    }

    /// <summary>Awaited: the tool list change that moved it is only done once every instance can see the new revision.</summary>
    public async Task ToolsChangedAsync(string serverName, CancellationToken ct)
    {
        using var span = RedisTrace.Start("EVAL catalog revision move");
        var value = (long)await _circuit.RunAsync(() => _redis.GetDatabase().ScriptEvaluateAsync(MoveScript, [RevisionsKey, HighestKey], [serverName]), ct);
        _revisions.AddOrUpdate(serverName, value, (_, known) => Math.Max(known, value));
    }

    /// <summary>One at a time (the runner's): what was scored past the highest revision seen, or everything when Redis
    /// no longer has what this instance saw.</summary>
    private async Task<bool> RefreshAsync()
    {
        var startedAt = _clock.GetTimestamp();
        using var span = RedisTrace.Start("EVAL catalog revisions read");
        var db = _redis.GetDatabase();
        var answer = (RedisResult[])(await _circuit.RunAsync(() => db.ScriptEvaluateAsync(ReadScript, [RevisionsKey, HighestKey], [_seen == 0 ? "-inf" : $"({_seen}"]), CancellationToken.None))!;
        var highest = (long)answer[0];
        if (highest < _seen)
        {
            // Redis lost the set: start again from nothing (a catalogue kept at a lost revision no longer matches).
            _revisions.Clear();
            _seen = 0;
            answer = (RedisResult[])(await _circuit.RunAsync(() => db.ScriptEvaluateAsync(ReadScript, [RevisionsKey, HighestKey], ["-inf"]), CancellationToken.None))!;
        }

        var scored = (RedisResult[])answer[1]!;
        for (var i = 0; i + 1 < scored.Length; i += 2)
        {
            var revision = (long)(double)scored[i + 1];
            _revisions.AddOrUpdate((string)scored[i]!, revision, (_, known) => Math.Max(known, revision));
            _seen = Math.Max(_seen, revision);
        }

        Volatile.Write(ref _refreshedAt, startedAt);
        return true;
    }
}
