using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Integration;

/// <summary>The Redis tool cache against a real Redis: lists are stored and forgotten per owner under the server's
/// epoch, forgetting a server hides every owner's list at once, and every write moves the server's revision.</summary>
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
        _cache = new RedisToolCache(Redis, _revisions);
        _server = "tool-cache-" + Guid.NewGuid().ToString("N");
    }

    private static ToolInfo[] Tools(params string[] names) => [.. names.Select(n => new ToolInfo(n, "does " + n, null))];

    [Test]
    public async Task Set_StoresTheListForThatOwnerOnly_WithALifetime()
    {
        await _cache.SetAsync(_server, "alice", Tools("echo", "add"), None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await _cache.GetAsync(_server, "alice", None))?.Select(t => t.Name), Is.EqualTo(new[] { "echo", "add" }));
            Assert.That(await _cache.GetAsync(_server, "bob", None), Is.Null);
            Assert.That(await Redis.GetDatabase().KeyTimeToLiveAsync($"mcp:tools:{_server}:0:alice"), Is.GreaterThan(TimeSpan.FromHours(23)));
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
    public async Task RemoveServer_HidesEveryOwnersList_AndLaterWritesUseTheNewEpoch()
    {
        await _cache.SetAsync(_server, "alice", Tools("old"), None);
        await _cache.SetAsync(_server, "bob", Tools("old"), None);

        await _cache.RemoveServerAsync(_server, None);
        Assert.That(await _cache.GetManyAsync([new ConnectionKey(_server, "alice"), new ConnectionKey(_server, "bob")], None), Is.Empty);

        await _cache.SetAsync(_server, "alice", Tools("new"), None);
        Assert.That((await _cache.GetAsync(_server, "alice", None))?.Single().Name, Is.EqualTo("new"));
        await _cache.RemoveAsync(_server, "alice", None);
        Assert.That(await _cache.GetAsync(_server, "alice", None), Is.Null, "removed under the new epoch");
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
