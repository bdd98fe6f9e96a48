using McpPlatform.Domain.OAuth;
using McpPlatform.Infrastructure.Redis;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.FlowState;

/// <summary>A lock every instance sees: <c>SET NX PX</c> with a random token, released only by its holder (a script
/// given the lock's one key, so it runs on a Redis Cluster too).</summary>
public sealed class RedisDistributedLock(IConnectionMultiplexer redis, RedisCircuit circuit, TimeProvider clock) : IDistributedLock
{
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    public async Task<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan hold, TimeSpan wait, CancellationToken ct)
    {
        var token = Guid.NewGuid().ToString("N");
        var deadline = clock.GetUtcNow() + wait;
        var db = redis.GetDatabase();
        while (true)
        {
            if (await circuit.RunAsync(() => db.StringSetAsync(key, token, hold, When.NotExists), ct))
            {
                return new Release(() => circuit.RunAsync(() => db.ScriptEvaluateAsync(ReleaseScript, [key], [token]), CancellationToken.None));
            }

            if (clock.GetUtcNow() >= deadline)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, ct);
        }
    }

    private sealed class Release(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
