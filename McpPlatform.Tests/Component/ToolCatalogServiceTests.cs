using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Tests.Fixtures;
using Moq;

namespace McpPlatform.Tests.Component;

/// <summary>The catalogue's revision: a rendering of it stays current exactly until something it was built from changes.</summary>
public sealed class ToolCatalogServiceTests
{
    private static readonly Caller Alice = new("alice", SystemRoles.User, []);
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private Mock<IServerQueries> _repo = null!;
    private MemoryCatalogRevisions _revisions = null!;
    private CountingChangeRevisions _changes = null!;
    private MemoryToolCache _tools = null!;
    private ToolCatalogService _service = null!;

    [SetUp]
    public void SetUp()
    {
        _repo = new Mock<IServerQueries>();
        var appServers = new Mock<IAppServerCatalog>();
        appServers.Setup(c => c.All).Returns([]);
        _revisions = new MemoryCatalogRevisions();
        _tools = new MemoryToolCache(_revisions);
        _changes = new CountingChangeRevisions();
        var registry = new ServerRegistryService(_repo.Object, new Mock<IServerRepository>().Object, appServers.Object,
            new RegistrySnapshots(_changes, new Mock<IRevisionedCache>().Object), new McpRegistryOptions());
        _service = new ToolCatalogService(registry, _tools, new Mock<ICredentialStore>().Object, _changes, _revisions);
        Visible("alpha", "beta");
    }

    private void Visible(params string[] names) =>
        _repo.Setup(r => r.ListVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([.. names.Select(n => new McpServer(Guid.NewGuid(), n, new McpServerConfig { Type = "streamable-http", Url = "https://mcp.example.com/" + n }, "alice", T0, T0, 1))]);

    private Task<bool> IsCurrentAsync(ToolCatalog catalog) => _service.IsCurrentAsync(Alice.Principals, [.. catalog.Servers.Select(s => s.Name)], catalog.Revision, None);

    [Test]
    public async Task ACatalogue_StaysCurrent_WhileNothingChanges()
    {
        await _tools.SetAsync("alpha", ConnectionKey.Shared, [new ToolInfo("echo", "Echoes", null)], None);
        var catalog = await _service.ListAsync(Alice, None);

        Assert.That(catalog.Servers.Single(s => s.Name == "alpha").Tools.Select(t => t.PluginKey), Is.EqualTo(new[] { "echo_mcp_alpha" }));
        Assert.That(await IsCurrentAsync(catalog), Is.True);
        Assert.That(await IsCurrentAsync(await _service.ListAsync(Alice, None)), Is.True, "rebuilt without a change: the same revision");
    }

    [Test]
    public async Task StoringOrForgettingAServersTools_MakesItsCataloguesStale()
    {
        var before = await _service.ListAsync(Alice, None);
        await _tools.SetAsync("beta", ConnectionKey.Shared, [new ToolInfo("sum", null, null)], None);
        Assert.That(await IsCurrentAsync(before), Is.False, "tools stored");

        var after = await _service.ListAsync(Alice, None);
        Assert.That(after.Servers.Single(s => s.Name == "beta").Tools, Has.Count.EqualTo(1));
        await _tools.RemoveServerAsync("beta", None);
        Assert.That(await IsCurrentAsync(after), Is.False, "tools forgotten");
    }

    [Test]
    public async Task AnotherServersTools_LeaveTheCatalogueCurrent()
    {
        var catalog = await _service.ListAsync(Alice, None);
        await _tools.SetAsync("gamma", ConnectionKey.Shared, [new ToolInfo("sum", null, null)], None);

        Assert.That(await IsCurrentAsync(catalog), Is.True, "gamma is not in Alice's catalogue");
    }

    [Test]
    public async Task ARegistryChangeThatLoggedNothing_MakesEveryCatalogueStale()
    {
        var catalog = await _service.ListAsync(Alice, None);
        _changes.RegistryChanged();

        Assert.That(await IsCurrentAsync(catalog), Is.False);
    }

    [Test]
    public async Task AChangeToSomeoneElsesServers_LeavesTheCatalogueCurrent_OneToAnyOfHersDoesNot()
    {
        var catalog = await _service.ListAsync(Alice, None);

        _changes.RegistryChanged(RegistryScopes.Server("bobs"), RegistryScopes.Principal(PrincipalKey.User("bob")));
        Assert.That(await IsCurrentAsync(catalog), Is.True, "bob's server is not in it");

        _changes.RegistryChanged(RegistryScopes.Server("alpha"), RegistryScopes.Principal(PrincipalKey.Public));
        Assert.That(await IsCurrentAsync(catalog), Is.False, "a public server is in everyone's");
    }

    [Test]
    public async Task AChangeWhileTheCatalogueIsBuilt_LeavesItStale()
    {
        // A server is shared with Alice after her catalogue read the registry's revision but before it was done.
        _repo.Setup(r => r.ListVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                _changes.RegistryChanged();
                return Task.FromResult<IReadOnlyList<McpServer>>([]);
            });
        var catalog = await _service.ListAsync(Alice, None);

        Assert.That(await IsCurrentAsync(catalog), Is.False, "built from a list that may predate the change");
    }
}
