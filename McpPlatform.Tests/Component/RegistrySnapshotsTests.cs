using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Component;

/// <summary>Registry reads kept in memory while the registry revision holds, with the in-process cache.</summary>
public sealed class RegistrySnapshotsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly PrincipalKey[] AliceInTeamA = [PrincipalKey.User("alice"), PrincipalKey.Role("USER"), PrincipalKey.Group("team-a"), PrincipalKey.Public];

    private CountingChangeRevisions _revisions = null!;
    private MemoryRevisionedCache _cache = null!;
    private RegistrySnapshots _snapshots = null!;
    private int _reads;

    [SetUp]
    public void SetUp()
    {
        _revisions = new CountingChangeRevisions();
        _cache = new MemoryRevisionedCache();
        _snapshots = new RegistrySnapshots(_revisions, _cache);
        _reads = 0;
    }

    [TearDown]
    public void TearDown() => _cache.Dispose();

    private Task<string?> ReadAsync(string key = "k", string? value = "value", int maxSize = 1) =>
        _snapshots.ReadAsync(key, _ => { _reads++; return Task.FromResult(value); }, _ => 1, maxSize, None);

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
        await _snapshots.ReadAsync("k", _ => { _reads++; _revisions.RegistryChanged(); return Task.FromResult<string?>("maybe stale"); }, _ => 1, 1, None);

        Assert.That(await ReadAsync(value: "current"), Is.EqualTo("current"));
        Assert.That(_reads, Is.EqualTo(2));
    }

    [Test]
    public async Task NothingFound_AndValuesOverTheirMaximum_AreNotKept()
    {
        await ReadAsync("absent", value: null);
        await ReadAsync("absent", value: null);
        await ReadAsync("big", maxSize: 0);
        await ReadAsync("big", maxSize: 0);

        Assert.That(_reads, Is.EqualTo(4));
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
