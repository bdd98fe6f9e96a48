using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Integration;

/// <summary>The Redis tool cache against a real Redis (and a real Redis Cluster): lists are stored and forgotten per
/// owner in the server's hash, forgetting a server forgets every owner's list at once, lists of many servers are read
/// together although they lie in different cluster slots, and every write moves the server's revision.</summary>
public sealed class RedisToolCacheTests : RedisTest
{
    private static readonly CancellationToken None = CancellationToken.None;
    private MemoryCatalogRevisions _revisions = null!;
    private RedisToolCache _cache = null!;
    private string _server = null!;

    [SetUp]
    public void NewServer()
    {
        _revisions = new MemoryCatalogRevisions();
        _cache = new RedisToolCache(Redis, Circuit, _revisions, TimeProvider.System);
        _server = "tool-cache-" + Guid.NewGuid().ToString("N");
    }

    private static ToolInfo[] Tools(params string[] names) => [.. names.Select(n => new ToolInfo(n, "does " + n, null))];

    [Test]
    public async Task Set_StoresTheListForThatOwnerOnly_WithALifetime()
    {
        await _cache.SetAsync(_server, "alice", Tools("echo", "add"), None);

        var db = Redis.GetDatabase();
        using (Assert.EnterMultipleScope())
        {
            Assert.That((await _cache.GetAsync(_server, "alice", None))?.Select(t => t.Name), Is.EqualTo(new[] { "echo", "add" }));
            Assert.That(await _cache.GetAsync(_server, "bob", None), Is.Null);
            Assert.That(await db.HashExistsAsync($"mcp:tools:{{{_server}}}", "alice"), Is.True, "one hash per server, a field per owner");
            Assert.That(await db.KeyTimeToLiveAsync($"mcp:tools:{{{_server}}}"), Is.GreaterThan(TimeSpan.FromHours(23)));
            Assert.That(await db.SortedSetScoreAsync($"mcp:tools:{{{_server}}}:expiries", "alice"),
                Is.GreaterThan(DateTimeOffset.UtcNow.AddHours(23).ToUnixTimeMilliseconds()), "the field's own expiry");
        }
    }

    [Test]
    public async Task AnExpiredField_IsNotRead_AndTheNextWritePrunesIt()
    {
        var db = Redis.GetDatabase();
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await db.HashSetAsync($"mcp:tools:{{{_server}}}", "gone", $"{past}|[]");
        await db.SortedSetAddAsync($"mcp:tools:{{{_server}}}:expiries", "gone", past);

        Assert.That(await _cache.GetAsync(_server, "gone", None), Is.Null, "expired in the value");
        await _cache.SetAsync(_server, "alice", Tools("echo"), None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await db.HashExistsAsync($"mcp:tools:{{{_server}}}", "gone"), Is.False);
            Assert.That(await db.SortedSetScoreAsync($"mcp:tools:{{{_server}}}:expiries", "gone"), Is.Null);
            Assert.That(await _cache.GetAsync(_server, "alice", None), Is.Not.Null);
        }
    }

    [Test]
    public async Task Remove_ForgetsOneOwnersList()
    {
        await _cache.SetAsync(_server, "alice", Tools("echo"), None);
        await _cache.SetAsync(_server, "bob", Tools("echo"), None);

        await _cache.RemoveAsync(_server, "alice", None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _cache.GetAsync(_server, "alice", None), Is.Null);
            Assert.That(await _cache.GetAsync(_server, "bob", None), Is.Not.Null);
        }
    }

    [Test]
    public async Task RemoveServer_ForgetsEveryOwnersList_AndLaterWritesWork()
    {
        await _cache.SetAsync(_server, "alice", Tools("old"), None);
        await _cache.SetAsync(_server, "bob", Tools("old"), None);

        await _cache.RemoveServerAsync(_server, None);
        Assert.That(await _cache.GetManyAsync([new ConnectionKey(_server, "alice"), new ConnectionKey(_server, "bob")], None), Is.Empty);
        Assert.That(await Redis.GetDatabase().KeyExistsAsync($"mcp:tools:{{{_server}}}"), Is.False, "one DEL, no epoch left behind");

        await _cache.SetAsync(_server, "alice", Tools("new"), None);
        Assert.That((await _cache.GetAsync(_server, "alice", None))?.Single().Name, Is.EqualTo("new"));
        await _cache.RemoveAsync(_server, "alice", None);
        Assert.That(await _cache.GetAsync(_server, "alice", None), Is.Null);
    }

    [Test]
    public async Task GetMany_ReadsTheListsOfManyServers_WhateverSlotTheyLieIn()
    {
        // 20 servers spread over every master of a cluster; one MGET across them fails there ("CROSSSLOT").
        var servers = Enumerable.Range(0, 20).Select(i => $"{_server}-{i}").ToList();
        foreach (var server in servers)
        {
            await _cache.SetAsync(server, "alice", Tools("tool-of-" + server), None);
        }

        await _cache.SetAsync(servers[0], "bob", Tools("bobs"), None);
        ConnectionKey[] keys = [.. servers.Select(s => new ConnectionKey(s, "alice")), new ConnectionKey(servers[0], "bob"), new ConnectionKey(servers[1], "bob")];

        var found = await _cache.GetManyAsync(keys, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found, Has.Count.EqualTo(21), "every alice list and bob's one");
            Assert.That(servers.Select(s => found[new ConnectionKey(s, "alice")].Single().Name), Is.EqualTo(servers.Select(s => "tool-of-" + s)));
            Assert.That(found[new ConnectionKey(servers[0], "bob")].Single().Name, Is.EqualTo("bobs"));
        }
    }

    [Test]
    public async Task EveryWrite_MovesTheServersRevision()
    {
        var revisions = new List<string> { string.Join(",", await _revisions.ReadToolsAsync([_server], None)) };

        await _cache.SetAsync(_server, "alice", Tools("echo"), None);
        revisions.Add(string.Join(",", await _revisions.ReadToolsAsync([_server], None)));
        await _cache.RemoveAsync(_server, "alice", None);
        revisions.Add(string.Join(",", await _revisions.ReadToolsAsync([_server], None)));
        await _cache.RemoveServerAsync(_server, None);
        revisions.Add(string.Join(",", await _revisions.ReadToolsAsync([_server], None)));

        Assert.That(revisions, Is.Unique);
    }
}
