using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Tests.Fixtures;
using Moq;

namespace McpPlatform.Tests.Component;

/// <summary>The catalogue as a listing: every server idle (the same for every caller) unless tools are cached for it
/// or it declares variables, and those looked up in the tool cache only.</summary>
public sealed class ToolCatalogServiceTests
{
    private static readonly Caller Alice = new("alice", SystemRoles.User, []);
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private Mock<IServerQueries> _repo = null!;
    private Mock<ICredentialStore> _credentials = null!;
    private MemoryCatalogRevisions _revisions = null!;
    private MemoryToolCache _tools = null!;
    private CountingToolCache _counting = null!;
    private ToolCatalogService _service = null!;

    [SetUp]
    public void SetUp()
    {
        _repo = new Mock<IServerQueries>();
        _credentials = new Mock<ICredentialStore>();
        var appServers = new Mock<IAppServerCatalog>();
        appServers.Setup(c => c.All).Returns([]);
        _revisions = new MemoryCatalogRevisions();
        _tools = new MemoryToolCache(_revisions);
        _counting = new CountingToolCache(_tools);
        var registry = new ServerRegistryService(_repo.Object, new Mock<IServerRepository>().Object, appServers.Object,
            new RegistrySnapshots(new CountingChangeRevisions(), new Mock<IRevisionedCache>().Object), new McpRegistryOptions());
        _service = new ToolCatalogService(registry, _counting, _credentials.Object, _revisions, new ToolEntryMemo(TimeProvider.System));
        Visible(Server("alpha"), Server("beta"));
    }

    private static McpServer Server(string name, McpServerConfig? config = null) =>
        new(Guid.NewGuid(), name, config ?? new McpServerConfig { Type = "streamable-http", Url = "https://mcp.example.com/" + name }, "alice", T0, T0, 1);

    private void Visible(params McpServer[] servers) =>
        _repo.Setup(r => r.ListVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<CancellationToken>())).ReturnsAsync(servers);

    [Test]
    public async Task WithNothingCached_EveryServerIsIdle_AndTheToolCacheIsNotAsked()
    {
        var listing = await _service.ListingAsync(Alice, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listing.Differing, Is.Empty);
            Assert.That(listing.All().Select(s => (s.Name, s.Authenticated, s.Tools.Count)), Is.EqualTo(new[] { ("alpha", true, 0), ("beta", true, 0) }));
            Assert.That(_counting.KeysAsked, Is.Zero);
        }
    }

    [Test]
    public async Task AServerWithCachedTools_Differs_AndOnlyItIsLookedUp()
    {
        await _tools.SetAsync("alpha", ConnectionKey.Shared, [new ToolInfo("echo", "Echoes", null)], None);

        var listing = await _service.ListingAsync(Alice, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listing.Differing.Keys, Is.EqualTo(new[] { "alpha" }));
            Assert.That(listing.All().Single(s => s.Name == "alpha").Tools.Select(t => t.PluginKey), Is.EqualTo(new[] { "echo_mcp_alpha" }));
            Assert.That(_counting.KeysAsked, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task AnEntryWithTools_IsReadOncePerToolsRevision()
    {
        await _tools.SetAsync("alpha", ConnectionKey.Shared, [new ToolInfo("echo", "Echoes", null)], None);
        var first = (await _service.ListingAsync(Alice, None)).Differing["alpha"];
        var second = (await _service.ListingAsync(Alice, None)).Differing["alpha"];
        Assert.That(_counting.KeysAsked, Is.EqualTo(1), "the second listing reuses the entry");
        Assert.That(second, Is.SameAs(first), "the same object, so its rendering is reused too");

        await _tools.SetAsync("alpha", ConnectionKey.Shared, [new ToolInfo("sum", null, null)], None);
        var third = (await _service.ListingAsync(Alice, None)).Differing["alpha"];

        Assert.That(third.Tools.Select(t => t.Name), Is.EqualTo(new[] { "sum" }), "a new list moved the revision");
        Assert.That(_counting.KeysAsked, Is.EqualTo(2));
    }

    [Test]
    public async Task ForgottenTools_LeaveTheServerWithNone()
    {
        await _tools.SetAsync("beta", ConnectionKey.Shared, [new ToolInfo("sum", null, null)], None);
        Assert.That((await _service.ListAsync(Alice, None)).Single(s => s.Name == "beta").Tools, Has.Count.EqualTo(1));

        await _tools.RemoveServerAsync("beta", None);

        Assert.That((await _service.ListAsync(Alice, None)).Single(s => s.Name == "beta").Tools, Is.Empty);
    }

    [Test]
    public async Task AServerWithVariables_IsAuthenticatedOnlyOnceTheCallerSetThemAll()
    {
        var withVariables = Server("gamma", new McpServerConfig
        {
            Type = "streamable-http", Url = "https://mcp.example.com/{{KEY}}",
            CustomUserVars = new Dictionary<string, CustomUserVar> { ["KEY"] = new("Key", null), ["OTHER"] = new("Other", "more") },
        });
        Visible(Server("alpha"), withVariables);
        _credentials.Setup(c => c.ListNamesAsync("alice", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, IReadOnlySet<string>> { [withVariables.Id] = new HashSet<string> { "KEY" } });

        var gamma = (await _service.ListingAsync(Alice, None)).Differing["gamma"];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gamma.Authenticated, Is.False, "OTHER is not set");
            Assert.That(gamma.AuthConfig.Select(a => a.Name), Is.EqualTo(new[] { "KEY", "OTHER" }));
            Assert.That(ToolCatalogService.IdleOf(ServerView.Of(withVariables)).Authenticated, Is.False, "idle means nothing set");
        }
    }

    /// <summary>Counts the keys the catalogue asks the tool cache for.</summary>
    private sealed class CountingToolCache(IToolCache inner) : IToolCache
    {
        public int KeysAsked { get; private set; }

        public Task<IReadOnlyList<ToolInfo>?> GetAsync(string serverName, string owner, CancellationToken ct) => inner.GetAsync(serverName, owner, ct);

        public Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ToolInfo>>> GetManyAsync(IReadOnlyList<ConnectionKey> keys, CancellationToken ct)
        {
            KeysAsked += keys.Count;
            return inner.GetManyAsync(keys, ct);
        }

        public Task SetAsync(string serverName, string owner, IReadOnlyList<ToolInfo> tools, CancellationToken ct) => inner.SetAsync(serverName, owner, tools, ct);

        public Task RemoveAsync(string serverName, string owner, CancellationToken ct) => inner.RemoveAsync(serverName, owner, ct);

        public Task RemoveServerAsync(string serverName, CancellationToken ct) => inner.RemoveServerAsync(serverName, ct);
    }
}
