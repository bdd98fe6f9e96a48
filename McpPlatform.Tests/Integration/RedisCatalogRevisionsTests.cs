using McpPlatform.Infrastructure.Caching;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Integration;

/// <summary>The per-server tools revisions in Redis (and a real Redis Cluster): read for many servers at once across
/// slots, moved by an awaited write that another instance sees, and monotonic even after Redis lost the value.</summary>
public sealed class RedisCatalogRevisionsTests : RedisTest
{
    private static readonly CancellationToken None = CancellationToken.None;
    private string _server = null!;

    [SetUp]
    public void NewServer() => _server = "revisions-" + Guid.NewGuid().ToString("N");

    private RedisCatalogRevisions NewInstance() => new(Redis, Circuit, TimeProvider.System);

    [Test]
    public async Task Read_ManyServers_WhateverSlotTheyLieIn_SeesAnotherInstancesMove()
    {
        var servers = Enumerable.Range(0, 20).Select(i => $"{_server}-{i}").ToList();
        var reader = NewInstance();
        var before = await reader.ReadToolsAsync(servers, None);

        await NewInstance().ToolsChangedAsync(servers[7], None);
        await Task.Delay(RedisCatalogRevisions.Freshness + TimeSpan.FromMilliseconds(100));
        var after = await reader.ReadToolsAsync(servers, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(after[7], Is.GreaterThan(before[7]), "the move was stored before ToolsChangedAsync returned");
            Assert.That(after.Where((_, i) => i != 7), Is.EqualTo(before.Where((_, i) => i != 7)), "no other server's revision moved");
        }
    }

    [Test]
    public async Task Move_IsMonotonic_EvenAfterRedisLostTheValue()
    {
        var revisions = NewInstance();
        var db = Redis.GetDatabase();
        var key = RedisCatalogRevisions.ToolsKey(_server);

        await revisions.ToolsChangedAsync(_server, None);
        var first = (long)await db.StringGetAsync(key);
        await revisions.ToolsChangedAsync(_server, None);
        var second = (long)await db.StringGetAsync(key);
        await db.KeyDeleteAsync(key);
        await revisions.ToolsChangedAsync(_server, None);
        var afterLoss = (long)await db.StringGetAsync(key);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second, Is.GreaterThan(first));
            Assert.That(afterLoss, Is.GreaterThan(second), "counting restarts from Redis's clock, not from zero");
            Assert.That(first, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds() * 1000), "microseconds of Redis's clock");
        }
    }

    [Test]
    public async Task Move_OfAValueAheadOfTheClock_StillCountsUp()
    {
        var db = Redis.GetDatabase();
        var ahead = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds() * 1000;
        await db.StringSetAsync(RedisCatalogRevisions.ToolsKey(_server), ahead);

        await NewInstance().ToolsChangedAsync(_server, None);

        Assert.That((long)await db.StringGetAsync(RedisCatalogRevisions.ToolsKey(_server)), Is.EqualTo(ahead + 1));
    }
}
