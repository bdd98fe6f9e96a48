using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace McpPlatform.Tests.Component;

/// <summary>Registry reads kept in memory while no change touched their scopes, with the in-process cache.</summary>
public sealed class RegistrySnapshotsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Scope = "principal:user:alice";
    private static readonly PrincipalKey[] AliceInTeamA = [PrincipalKey.User("alice"), PrincipalKey.Role("USER"), PrincipalKey.Group("team-a"), PrincipalKey.Public];

    private CountingChangeRevisions _revisions = null!;
    private MemoryRevisionedCache _cache = null!;
    private RegistrySnapshots _snapshots = null!;
    private int _reads;

    [SetUp]
    public void SetUp()
    {
        _revisions = new CountingChangeRevisions();
        _cache = new MemoryRevisionedCache(Options.Create(new RegistryCacheOptions { CacheBytes = CacheBytes }));
        _snapshots = new RegistrySnapshots(_revisions, _cache);
        _reads = 0;
    }

    [TearDown]
    public void TearDown() => _cache.Dispose();

    private const long CacheBytes = 4 * 1024 * 1024;

    private Task<string?> ReadAsync(string key = "k", string? value = "value", long bytes = 100) =>
        _snapshots.ReadAsync("test", key, [Scope], _ => { Interlocked.Increment(ref _reads); return Task.FromResult(value); }, _ => bytes, None);

    [Test]
    public async Task AValue_IsReadOnce_UntilTheRegistryChanges()
    {
        Assert.That(await ReadAsync(), Is.EqualTo("value"));
        Assert.That(await ReadAsync(), Is.EqualTo("value"));
        Assert.That(_reads, Is.EqualTo(1));

        _revisions.RegistryChanged();
        await ReadAsync();

        Assert.That(_reads, Is.EqualTo(2));
    }

    [Test]
    public async Task AChangeDuringTheRead_MakesTheNextRequestReadAgain()
    {
        // The change commits while the value is being read: what was read may predate it.
        await _snapshots.ReadAsync("test", "k", [Scope], _ => { _reads++; _revisions.RegistryChanged(Scope); return Task.FromResult<string?>("maybe stale"); }, _ => 1, None);

        Assert.That(await ReadAsync(value: "current"), Is.EqualTo("current"));
        Assert.That(_reads, Is.EqualTo(2));
    }

    [Test]
    public async Task NothingFound_AndValuesOverAQuarterOfTheCache_AreNotKept()
    {
        await ReadAsync("absent", value: null);
        await ReadAsync("absent", value: null);
        await ReadAsync("big", bytes: (CacheBytes / 4) + 1);
        await ReadAsync("big", bytes: (CacheBytes / 4) + 1);

        Assert.That(_reads, Is.EqualTo(4));
    }

    [Test]
    public async Task AChangeToOtherScopes_LeavesTheValueKept_OneToItsScopeDropsIt()
    {
        await ReadAsync();
        _revisions.RegistryChanged("principal:user:bob", "server:other");
        await ReadAsync();
        Assert.That(_reads, Is.EqualTo(1), "a write elsewhere keeps it");

        _revisions.RegistryChanged("server:other", Scope);
        await ReadAsync();
        Assert.That(_reads, Is.EqualTo(2), "a write to its scope drops it");
    }

    [Test]
    public async Task AChangeThatLoggedNothing_DropsEverything()
    {
        await ReadAsync("a");
        await ReadAsync("b");
        _revisions.RegistryChanged();

        await ReadAsync("a");
        await ReadAsync("b");

        Assert.That(_reads, Is.EqualTo(4));
    }

    [Test]
    public async Task ConcurrentMisses_OfOneKey_ReadOnce()
    {
        var release = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var readers = Enumerable.Range(0, 20)
            .Select(_ => _snapshots.ReadAsync("test", "k", [Scope], _ => { Interlocked.Increment(ref _reads); return release.Task; }, _ => 1, None))
            .ToList();
        release.SetResult("once");

        var values = await Task.WhenAll(readers);

        Assert.That(values, Is.All.EqualTo("once"));
        Assert.That(_reads, Is.EqualTo(1));
    }

    [Test]
    public async Task AMissAfterAChange_DoesNotJoinAReadThatStartedBeforeIt()
    {
        var before = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _snapshots.ReadAsync("test", "k", [Scope], _ => { Interlocked.Increment(ref _reads); return before.Task; }, _ => 1, None);
        _revisions.RegistryChanged(Scope);

        var second = await ReadAsync(value: "after the change");
        before.SetResult("before the change");

        Assert.That(second, Is.EqualTo("after the change"));
        Assert.That(await first, Is.EqualTo("before the change"));
        Assert.That(_reads, Is.EqualTo(2));
    }

    [Test]
    public async Task WithCacheReadsOff_EveryReadGoesToTheSource()
    {
        var uncached = new RegistrySnapshots(_revisions, _cache, new McpRegistryOptions { CacheReads = false });

        for (var i = 0; i < 3; i++)
        {
            await uncached.ReadAsync("test", "k", [Scope], _ => { _reads++; return Task.FromResult<string?>("v"); }, _ => 1, None);
        }

        Assert.That(_reads, Is.EqualTo(3));
    }

    [Test]
    public async Task KeysAreSeparate_EvenForTheSameValueType()
    {
        Assert.That(await ReadAsync("a", value: "A"), Is.EqualTo("A"));
        Assert.That(await ReadAsync("b", value: "B"), Is.EqualTo("B"));
        Assert.That(await ReadAsync("a", value: "other"), Is.EqualTo("A"));
    }

    [Test]
    public void KeyOf_IsTheSameForTheSameSet_AndDiffersForAnyOther()
    {
        var key = RegistrySnapshots.KeyOf(AliceInTeamA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(RegistrySnapshots.KeyOf([.. AliceInTeamA.Reverse()]), Is.EqualTo(key), "order does not matter");
            Assert.That(RegistrySnapshots.KeyOf([PrincipalKey.User("alice"), PrincipalKey.Role("USER"), PrincipalKey.Public]), Is.Not.EqualTo(key), "without the group");
            Assert.That(RegistrySnapshots.KeyOf([PrincipalKey.User("alice"), PrincipalKey.Role("USER"), PrincipalKey.Group("team-b"), PrincipalKey.Public]), Is.Not.EqualTo(key));
            // Ids are length-prefixed, so one id cannot pose as two principals joined.
            Assert.That(RegistrySnapshots.KeyOf([PrincipalKey.User("alice|group:6:team-a"), PrincipalKey.Role("USER"), PrincipalKey.Public]), Is.Not.EqualTo(key));
        }
    }
}
