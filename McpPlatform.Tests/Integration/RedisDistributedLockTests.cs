using McpPlatform.Infrastructure.FlowState;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Integration;

/// <summary>The Redis lock against a real Redis (and a real Redis Cluster): one holder at a time, released only by it.</summary>
public sealed class RedisDistributedLockTests : RedisTest
{
    [Test]
    public async Task OneHolderAtATime_AndTheReleaseFreesIt()
    {
        var locks = new RedisDistributedLock(Redis, Circuit, TimeProvider.System);
        var key = "mcp:lock:test:" + Guid.NewGuid().ToString("N");

        var first = await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None);
        var second = await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.That(first, Is.Not.Null);
        Assert.That(second, Is.Null, "held by the first");

        await first!.DisposeAsync();
        var third = await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None);
        Assert.That(third, Is.Not.Null, "released by its holder");
        await third!.DisposeAsync();
    }

    [Test]
    public async Task ARelease_AfterTheHoldRanOut_LeavesTheNextHoldersLock()
    {
        var locks = new RedisDistributedLock(Redis, Circuit, TimeProvider.System);
        var key = "mcp:lock:test:" + Guid.NewGuid().ToString("N");

        var expired = await locks.TryAcquireAsync(key, TimeSpan.FromMilliseconds(100), TimeSpan.Zero, CancellationToken.None);
        await Task.Delay(300);
        var next = await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None);
        await expired!.DisposeAsync();

        Assert.That(next, Is.Not.Null);
        Assert.That(await Redis.GetDatabase().KeyExistsAsync(key), Is.True, "the late release did not delete the next holder's lock");
        await next!.DisposeAsync();
    }
}
