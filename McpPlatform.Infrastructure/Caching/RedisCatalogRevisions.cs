using System.Collections.Concurrent;
using McpPlatform.Domain.Connections;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>
/// The tools revisions in Redis, so that a tool list stored on one instance is seen by every other. A change stores a
/// new random value rather than incrementing: after Redis lost its data (a restart without persistence), counting
/// again from zero could arrive at a revision some instance still holds for an older catalogue; a random value cannot.
/// Values read from Redis are reused for <see cref="Freshness"/>, so that a catalogue asked for many times a second
/// is checked against Redis a few times a second; this instance's own changes are seen at once (it keeps the value
/// it stored), other instances' within <see cref="Freshness"/>.
/// </summary>
public sealed class RedisCatalogRevisions(IConnectionMultiplexer redis, TimeProvider clock) : ICatalogRevisions
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(250);
    private const int MaxKnown = 100_000;

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
            using var span = RedisTrace.Start("MGET catalog revisions");
            var read = await redis.GetDatabase().StringGetAsync([.. stale.Select(i => (RedisKey)keys[i])]);
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

    // Moving a revision never holds up the change that moved it, nor fails it when Redis is unavailable: the command
    // is queued without waiting for the answer.
    public Task ToolsChangedAsync(string serverName, CancellationToken ct)
    {
        var key = ToolsKey(serverName);
        var value = Random.Shared.NextInt64(1, long.MaxValue);
        _known[key] = (value, clock.GetTimestamp());
        try
        {
            return redis.GetDatabase().StringSetAsync(key, value, flags: CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            return Task.CompletedTask;
        }
    }

    private static string ToolsKey(string serverName) => $"mcp:catalog-rev:tools:{serverName}";
}
