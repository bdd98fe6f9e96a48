using System.Globalization;
using System.Text.Json;
using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Caching;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Mcp.Board;

/// <summary>
/// The connection board in Redis (ADR 0040). One hash per owner, <c>mcp:status:{owner}</c> (the whole owner is the
/// hash tag, so on a Redis Cluster a user's states are one key in one slot and every command here names one key),
/// field <c>server|instance</c>; the live instances in the hash <c>mcp:instances</c>, instance → expiry (Unix ms),
/// renewed by <see cref="ConnectionBoardHeartbeat"/>. Fields of an instance whose expiry has passed do not count and
/// are deleted when read. A clear is also published on <see cref="ClosedChannel"/>, so the other instances close
/// their sessions of the key. Every Redis call is bounded and never fails the caller.
/// </summary>
public sealed partial class RedisConnectionBoard(IConnectionMultiplexer redis, TimeProvider clock, ILogger<RedisConnectionBoard> logger) : IConnectionBoard
{
    public static readonly RedisChannel ClosedChannel = RedisChannel.Literal("mcp:connection-closed");

    /// <summary>How often an instance renews its expiry; it counts as dead <see cref="LivenessWindow"/> after the last renewal.</summary>
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan LivenessWindow = HeartbeatPeriod * 3;

    /// <summary>A status read waits no longer for Redis; then it answers from this instance's sessions.</summary>
    public static readonly TimeSpan ReadBound = TimeSpan.FromMilliseconds(500);

    /// <summary>A request-caused transition is acknowledged within this, or the request goes on without it.</summary>
    public static readonly TimeSpan WriteBound = TimeSpan.FromSeconds(1);

    /// <summary>An instance dead this long is taken out of <c>mcp:instances</c> (a paused one that comes back re-adds itself).</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private const string InstancesKey = "mcp:instances";

    // Removes every instance's field of one server from one owner's hash: one key, named by the caller (a cluster
    // routes it). A field is the server name, '|', and a 32-character instance id.
    private const string ClearScript = """
        local removed = 0
        for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
          if string.sub(field, 1, -34) == ARGV[1] then
            removed = removed + redis.call('HDEL', KEYS[1], field)
          end
        end
        return removed
        """;

    // Renews the expiry and returns the one it replaces: one key.
    private const string BeatScript = """
        local previous = redis.call('HGET', KEYS[1], ARGV[1])
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return previous
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>This process's id on the board; a restarted process is a new instance.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public async Task RecordAsync(ConnectionKey key, ConnectionSnapshot snapshot, CancellationToken ct)
    {
        using var span = RedisTrace.Start("HSET connection state");
        var db = redis.GetDatabase();
        await BoundedAsync(
            () => snapshot.State == ConnectionState.Disconnected
                ? db.HashDeleteAsync(OwnerKey(key.Owner), Field(key.ServerName, InstanceId))
                : db.HashSetAsync(OwnerKey(key.Owner), Field(key.ServerName, InstanceId), BoardField.Of(snapshot).Serialize()),
            "record", key);
    }

    public async Task ClearAsync(ConnectionKey key, CancellationToken ct)
    {
        using var span = RedisTrace.Start("EVAL clear connection state");
        var db = redis.GetDatabase();
        var message = JsonSerializer.Serialize(new ClosedMessage(InstanceId, key.ServerName, key.Owner), Json);
        await BoundedAsync(
            () => Task.WhenAll(db.ScriptEvaluateAsync(ClearScript, [OwnerKey(key.Owner)], [key.ServerName]), redis.GetSubscriber().PublishAsync(ClosedChannel, message)),
            "clear", key);
    }

    public async Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ConnectionSnapshot>>?> ReadAsync(IReadOnlyList<string> owners, CancellationToken ct)
    {
        using var span = RedisTrace.Start("HGETALL connection states");
        var db = redis.GetDatabase();
        var distinct = owners.Distinct(StringComparer.Ordinal).ToList();
        Task<HashEntry[]>? instances = null;
        var hashes = new List<Task<HashEntry[]>>();
        try
        {
            // Independent single-key reads, sent together: one round trip.
            instances = db.HashGetAllAsync(InstancesKey);
            hashes.AddRange(distinct.Select(o => db.HashGetAllAsync(OwnerKey(o))));
            await Task.WhenAll([instances, .. hashes]).WaitAsync(ReadBound, clock, ct);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            hashes.Add(instances ?? Task.FromResult<HashEntry[]>([]));
            hashes.ForEach(Observe);
            ReadFailed(logger, e.Message);
            return null;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var live = new HashSet<string>(StringComparer.Ordinal) { InstanceId };
        var forgotten = new List<RedisValue>();
        foreach (var entry in instances.Result)
        {
            if (!entry.Value.TryParse(out long expiry) || expiry < now - (long)ForgetAfter.TotalMilliseconds)
            {
                forgotten.Add(entry.Name);
            }
            else if (expiry > now)
            {
                live.Add(entry.Name.ToString());
            }
        }

        if (forgotten.Count > 0)
        {
            _ = db.HashDeleteAsync(InstancesKey, [.. forgotten], CommandFlags.FireAndForget);
        }

        var states = new Dictionary<ConnectionKey, IReadOnlyList<ConnectionSnapshot>>();
        for (var i = 0; i < distinct.Count; i++)
        {
            var dead = new List<RedisValue>();
            foreach (var entry in hashes[i].Result)
            {
                var field = entry.Name.ToString();
                if (field.Length <= InstanceId.Length || field[^(InstanceId.Length + 1)] != '|')
                {
                    continue;
                }

                if (!live.Contains(field[^InstanceId.Length..]))
                {
                    dead.Add(entry.Name);
                }
                else if (BoardField.Parse(entry.Value.ToString()) is { } stored)
                {
                    var key = new ConnectionKey(field[..^(InstanceId.Length + 1)], distinct[i]);
                    states[key] = states.TryGetValue(key, out var held) ? [.. held, stored.ToSnapshot()] : [stored.ToSnapshot()];
                }
            }

            if (dead.Count > 0)
            {
                // Left by instances that ended without shutting down: cleaned up here, never waited for.
                _ = db.HashDeleteAsync(OwnerKey(distinct[i]), [.. dead], CommandFlags.FireAndForget);
            }
        }

        return states;
    }

    /// <summary>Renews this instance's expiry. True when the instance was not live on the board before (its first
    /// beat, a beat after a lapse longer than the liveness window, or Redis lost its data): other instances may have
    /// deleted its fields as a dead instance's, so the caller records its sessions again.</summary>
    public async Task<bool> BeatAsync()
    {
        using var span = RedisTrace.Start("EVAL heartbeat");
        var now = clock.GetUtcNow();
        var db = redis.GetDatabase();
        RedisResult? previous = null;
        if (!await BoundedAsync(async () => previous = await db.ScriptEvaluateAsync(BeatScript, [InstancesKey], [InstanceId, (now + LivenessWindow).ToUnixTimeMilliseconds()]), "heartbeat", null)
            || previous is null)
        {
            return false;
        }

        return previous.IsNull || !long.TryParse(previous.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var expiry) || expiry <= now.ToUnixTimeMilliseconds();
    }

    /// <summary>A graceful shutdown: this instance stops counting at once, and its fields for these keys are removed.</summary>
    public async Task LeaveAsync(IReadOnlyCollection<ConnectionKey> keys)
    {
        var db = redis.GetDatabase();
        await BoundedAsync(
            () => Task.WhenAll([
                db.HashDeleteAsync(InstancesKey, InstanceId),
                .. keys.GroupBy(k => k.Owner, StringComparer.Ordinal).Select(g => db.HashDeleteAsync(OwnerKey(g.Key), [.. g.Select(k => (RedisValue)Field(k.ServerName, InstanceId))])),
            ]),
            "leave", null);
    }

    /// <summary>Calls <paramref name="closedElsewhere"/> for every key another instance clears.</summary>
    public Task SubscribeAsync(Func<ConnectionKey, Task> closedElsewhere) =>
        redis.GetSubscriber().SubscribeAsync(ClosedChannel, (channel, message) =>
        {
            var closed = ParseClosed(message.ToString());
            if (closed is not null && closed.Instance != InstanceId)
            {
                _ = closedElsewhere(new ConnectionKey(closed.Server, closed.Owner));
            }
        });

    public Task UnsubscribeAsync() => BoundedAsync(() => redis.GetSubscriber().UnsubscribeAsync(ClosedChannel), "unsubscribe", null);

    /// <summary>The owner's hash; the owner in braces is the cluster hash tag (the shared owner is empty: <c>{}</c>,
    /// which Redis hashes as the whole key).</summary>
    public static string OwnerKey(string owner) => $"mcp:status:{{{owner}}}";

    public static string Field(string serverName, string instanceId) => serverName + "|" + instanceId;

    private static ClosedMessage? ParseClosed(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ClosedMessage>(text, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Issues a write and waits for its acknowledgement up to <see cref="WriteBound"/>; false when it failed
    /// or was not acknowledged in time (also when the connection is already disposed, at shutdown).</summary>
    private async Task<bool> BoundedAsync(Func<Task> write, string operation, ConnectionKey? key)
    {
        Task? issued = null;
        try
        {
            issued = write();
            await issued.WaitAsync(WriteBound, clock);
            return true;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            if (issued is not null)
            {
                Observe(issued);
            }

            // This instance's own sessions are unaffected, and a status read falls back to them while Redis is away.
            WriteFailed(logger, operation, key?.ServerName ?? "-", e.Message);
            return false;
        }
    }

    private static bool IsUnavailable(Exception e) => e is RedisException or TimeoutException or ObjectDisposedException;

    private static void Observe(Task task) => task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection board {Operation} for {Server} not acknowledged: {Reason}")]
    private static partial void WriteFailed(ILogger logger, string operation, string server, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection board not readable, status from this instance's sessions: {Reason}")]
    private static partial void ReadFailed(ILogger logger, string reason);

    private sealed record ClosedMessage(string Instance, string Server, string Owner);
}
