using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Caching;

namespace McpPlatform.Tests.Unit;

/// <summary>The per-process visible-server lists: kept per set of principals and revision, bounded.</summary>
public sealed class MemoryVisibleServersCacheTests
{
    private static readonly PrincipalKey[] AliceInTeamA = [PrincipalKey.User("alice"), PrincipalKey.Role("USER"), PrincipalKey.Group("team-a"), PrincipalKey.Public];

    private MemoryVisibleServersCache _cache = null!;

    [SetUp]
    public void SetUp() => _cache = new MemoryVisibleServersCache();

    [TearDown]
    public void TearDown() => _cache.Dispose();

    private static ServerView[] Views(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ServerView($"server-{i}", ServerSource.Db, new McpServerConfig { Type = "sse", Url = "https://x.example" }, Guid.NewGuid(), DateTimeOffset.UnixEpoch, 1))];

    [Test]
    public void AList_IsServedAtItsRevision_InAnyPrincipalOrder_AndNotAtAnother()
    {
        var servers = Views(3);
        _cache.Set(AliceInTeamA, 7, servers);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_cache.Get(AliceInTeamA, 7), Is.SameAs(servers));
            Assert.That(_cache.Get([.. AliceInTeamA.Reverse()], 7), Is.SameAs(servers), "the same set of principals");
            Assert.That(_cache.Get(AliceInTeamA, 8), Is.Null, "the registry changed since");
        }
    }

    [Test]
    public void OtherPrincipals_DoNotSeeTheList()
    {
        _cache.Set(AliceInTeamA, 7, Views(2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_cache.Get([PrincipalKey.User("alice"), PrincipalKey.Role("USER"), PrincipalKey.Public], 7), Is.Null, "without the group");
            Assert.That(_cache.Get([PrincipalKey.User("alice"), PrincipalKey.Role("USER"), PrincipalKey.Group("team-b"), PrincipalKey.Public], 7), Is.Null, "another group");
            // Ids are length-prefixed, so one id cannot pose as two principals joined.
            Assert.That(_cache.Get([PrincipalKey.User("alice|group:6:team-a"), PrincipalKey.Role("USER"), PrincipalKey.Public], 7), Is.Null);
        }
    }

    [Test]
    public void AListLongerThanTheLimit_IsNotKept()
    {
        _cache.Set(AliceInTeamA, 7, Views(MemoryVisibleServersCache.MaxListLength + 1));
        Assert.That(_cache.Get(AliceInTeamA, 7), Is.Null);

        _cache.Set(AliceInTeamA, 7, Views(MemoryVisibleServersCache.MaxListLength));
        Assert.That(_cache.Get(AliceInTeamA, 7), Is.Not.Null);
    }
}
