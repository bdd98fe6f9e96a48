using McpPlatform.Infrastructure.Caching;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Integration;

/// <summary>The tools revisions in Redis (and a real Redis Cluster): read for many servers at once from each
/// instance's copy of the set, moved by an awaited write that another instance sees, and monotonic even after Redis
/// lost them. The tests change keys every instance shares, so they run alone.</summary>
[NonParallelizable]
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

    private async Task<long> ScoreAsync() => (long)(await Redis.GetDatabase().SortedSetScoreAsync(RedisCatalogRevisions.RevisionsKey, _server))!.Value;

    [Test]
    public async Task Move_IsMonotonic_EvenAfterRedisLostTheValue()
    {
        var revisions = NewInstance();
        var db = Redis.GetDatabase();

        await revisions.ToolsChangedAsync(_server, None);
        var first = await ScoreAsync();
        await revisions.ToolsChangedAsync(_server, None);
        var second = await ScoreAsync();
        await db.KeyDeleteAsync(RedisCatalogRevisions.RevisionsKey);
        await db.KeyDeleteAsync(RedisCatalogRevisions.HighestKey);
        await revisions.ToolsChangedAsync(_server, None);
        var afterLoss = await ScoreAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second, Is.GreaterThan(first));
            Assert.That(afterLoss, Is.GreaterThan(second), "counting restarts from Redis's clock, not from zero");
            Assert.That(first, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds() * 1000), "microseconds of Redis's clock");
        }
    }

    [Test]
    public async Task Move_OfAValueAheadOfTheClock_StillCountsUp_AcrossServers()
    {
        var db = Redis.GetDatabase();
        var ahead = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds() * 1000;
        await db.StringSetAsync(RedisCatalogRevisions.HighestKey, ahead);

        await NewInstance().ToolsChangedAsync(_server, None);
        await NewInstance().ToolsChangedAsync(_server + "-other", None);

        Assert.That(await ScoreAsync(), Is.EqualTo(ahead + 1));
        Assert.That((long)await db.StringGetAsync(RedisCatalogRevisions.HighestKey), Is.EqualTo(ahead + 2), "one sequence for every server");
    }

    [Test]
    public async Task AServerNeverChanged_ReadsZero_AndAReaderStartsAgainWhenRedisLostTheSet()
    {
        var reader = NewInstance();
        await NewInstance().ToolsChangedAsync(_server, None);
        var seen = await reader.ReadToolsAsync([_server, _server + "-never"], None);

        var db = Redis.GetDatabase();
        await db.KeyDeleteAsync(RedisCatalogRevisions.RevisionsKey);
        await db.KeyDeleteAsync(RedisCatalogRevisions.HighestKey);
        await Task.Delay(RedisCatalogRevisions.Freshness + TimeSpan.FromMilliseconds(100));
        var afterLoss = await reader.ReadToolsAsync([_server], None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen[0], Is.GreaterThan(0));
            Assert.That(seen[1], Is.Zero, "never listed: nothing in Redis to ask for");
            Assert.That(afterLoss[0], Is.Zero, "the lost revision is not served from memory");
        }
    }
}
