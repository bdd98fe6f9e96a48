using McpPlatform.Domain.OAuth;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.FlowState;

/// <summary>A lock every instance sees: <c>SET NX PX</c> with a random token, released only by its holder.</summary>
public sealed class RedisDistributedLock(IConnectionMultiplexer redis, TimeProvider clock) : IDistributedLock
{
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    public async Task<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan hold, TimeSpan wait, CancellationToken ct)
    {
        var token = Guid.NewGuid().ToString("N");
        var deadline = clock.GetUtcNow() + wait;
        var db = redis.GetDatabase();
        while (true)
        {
            if (await db.StringSetAsync(key, token, hold, When.NotExists))
            {
                return new Release(() => db.ScriptEvaluateAsync(ReleaseScript, [key], [token]));
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
