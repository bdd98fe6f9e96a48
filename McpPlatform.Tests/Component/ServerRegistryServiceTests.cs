using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Caching;
using Moq;

namespace McpPlatform.Tests.Component;

/// <summary>The registry's rules with every port mocked — reads (ServerRegistryService) and changes
/// (ServerChangeService, ServerConfigRules): ACL, read-only app servers, If-Match, secrets, naming, paging.</summary>
public sealed class ServerRegistryServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly Caller Alice = new("alice", SystemRoles.User, ["g1"]);
    private static readonly Caller Admin = new("root", SystemRoles.Admin, []);
    private const long RegistryRevision = 41;

    private static readonly McpRegistryOptions Options = new() { MaxServersPerUser = 7 };

    private Mock<IServerQueries> _queries = null!;
    private Mock<IServerRepository> _repo = null!;
    private Mock<IAppServerCatalog> _catalog = null!;
    private Mock<IOutboundUrlPolicy> _policy = null!;
    private Mock<IServerChangeListener> _changes = null!;
    private Mock<IChangeRevisions> _revisions = null!;
    private MemoryRevisionedCache _snapshots = null!;
    private ServerRegistryService _service = null!;
    private ServerChangeService _changeService = null!;
    private List<AuditEvent> _recorded = null!;

    [SetUp]
    public void SetUp()
    {
        _recorded = [];
        _queries = new Mock<IServerQueries>();
        _repo = new Mock<IServerRepository>();
        _catalog = new Mock<IAppServerCatalog>();
        _catalog.Setup(c => c.All).Returns([]);
        _policy = new Mock<IOutboundUrlPolicy>();
        _policy.Setup(p => p.CheckAsync(It.IsAny<Uri>(), It.IsAny<CancellationToken>())).ReturnsAsync((string?)null);
        _changes = new Mock<IServerChangeListener>();
        _revisions = new Mock<IChangeRevisions>();
        _revisions.Setup(r => r.ReadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new ChangeRevisions(RegistryRevision, 1));
        _snapshots = new MemoryRevisionedCache(Microsoft.Extensions.Options.Options.Create(new RegistryCacheOptions()));
        _service = new ServerRegistryService(_queries.Object, _repo.Object, _catalog.Object, new RegistrySnapshots(_revisions.Object, _snapshots), Options);
        _changeService = new ServerChangeService(_queries.Object, _repo.Object, _catalog.Object, new ServerConfigRules(_policy.Object), _changes.Object, Options);
    }

    [TearDown]
    public void TearDown() => _snapshots.Dispose();

    private static McpServerConfig SseConfig(string url = "https://mcp.example.com/sse") => new() { Type = "sse", Url = url, Title = "My Server" };

    private static McpServer Server(string name, McpServerConfig? config = null, long version = 3) =>
        new(Guid.NewGuid(), name, config ?? SseConfig(), "alice", T0, T0, version);

    private static AppServer App(string name, string? title = null) =>
        new(name, new McpServerConfig { Type = "stdio", Command = "node", Title = title, Env = new Dictionary<string, string> { ["KEY"] = "secret" } }, T0);

    /// <summary>A stored server on which Alice holds <paramref name="bits"/> (through her user entry), as both the
    /// database check and the kept entries read it.</summary>
    private McpServer Stored(string name, PermissionBits bits, McpServerConfig? config = null, long version = 3)
    {
        var server = Server(name, config, version);
        _queries.Setup(r => r.FindAsync(name, It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ServerAccess(server, bits));
        Shared(server, bits == PermissionBits.None ? [] : [new Grant(PrincipalKey.User(Alice.UserId), bits)]);
        return server;
    }

    private void Shared(McpServer server, Grant[] grants, bool complete = true) =>
        _queries.Setup(r => r.FindSharedAsync(server.Name, Options.MaxKeptGrants, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SharedServer(server, grants, complete));

    /// <summary>Makes repo.UpdateAsync echo the new config back (version + 1) and captures what it was given.</summary>
    private List<(McpServerConfig Config, long? Version, bool Revoke)> CaptureUpdates(McpServer server)
    {
        var calls = new List<(McpServerConfig, long?, bool)>();
        _repo.Setup(r => r.UpdateAsync(server.Id, It.IsAny<McpServerConfig>(), It.IsAny<long?>(), It.IsAny<bool>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()))
            .Callback<Guid, McpServerConfig, long?, bool, AuditEvent, CancellationToken>((_, c, v, revoke, _, _) => calls.Add((c, v, revoke)))
            .ReturnsAsync((Guid _, McpServerConfig c, long? _, bool _, AuditEvent _, CancellationToken _) => server with { Config = c, Version = server.Version + 1 });
        return calls;
    }

    /// <summary>Makes repo.CreateAsync create as the repository does (the name chosen from <paramref name="taken"/>, the
    /// audit record of the created server written with it, into <see cref="_recorded"/>) and captures what it was given.</summary>
    private List<(NewServer Request, string Name, int Max)> CaptureCreates(params string[] taken)
    {
        var calls = new List<(NewServer, string, int)>();
        _repo.Setup(r => r.CreateAsync(It.IsAny<NewServer>(), It.IsAny<Func<IReadOnlyCollection<string>, string>>(), It.IsAny<int>(), It.IsAny<Func<McpServer, AuditEvent>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((NewServer request, Func<IReadOnlyCollection<string>, string> choose, int max, Func<McpServer, AuditEvent> audit, CancellationToken _) =>
            {
                var name = choose(taken);
                calls.Add((request, name, max));
                var created = Server(name, request.Config, 1);
                _recorded.Add(audit(created));
                return (created, CreateFailure.None);
            });
        return calls;
    }

    // ---- Get ----------------------------------------------------------------------------------------------------

    [Test]
    public async Task Get_AppLevelName_ReturnsItAsAppWithoutTouchingTheRepository()
    {
        _catalog.Setup(c => c.Find("weather")).Returns(App("weather"));

        var result = await _service.GetAsync(Alice, "weather", CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Name, Is.EqualTo("weather"));
            Assert.That(result.Value.Source, Is.EqualTo(ServerSource.App));
            Assert.That(result.Value.DbId, Is.Null);
            Assert.That(result.Value.ETag, Is.Null);
            Assert.That(result.Value.Config.Env!["KEY"], Is.EqualTo(McpServerConfig.MaskedValue), "app secrets are masked too");
        }

        _queries.VerifyNoOtherCalls();
        _repo.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Get_MissingServer_IsNotFoundWithLibreChatsStrings()
    {
        var result = await _service.GetAsync(Alice, "nope", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.IsSuccess, Is.False);
            Assert.That(result.Error!.Kind, Is.EqualTo(ErrorKind.NotFound));
            Assert.That(result.Error.ErrorText, Is.EqualTo("Not Found"));
            Assert.That(result.Error.Message, Is.EqualTo("mcpServer not found"));
        }
    }

    [Test]
    public async Task Get_NonAddressableName_IsNotFoundWithoutAQuery()
    {
        var result = await _service.GetAsync(Alice, "../etc/passwd", CancellationToken.None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.NotFound));
        _queries.VerifyNoOtherCalls();
        _repo.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Get_WorksOutAccessFromTheServersEntries_WithoutAQueryPerCaller()
    {
        Shared(Server("team"), [new Grant(PrincipalKey.Group("g1"), PermissionBits.View), new Grant(PrincipalKey.User("bob"), PermissionBits.All)]);
        var carol = new Caller("carol", SystemRoles.User, ["g2"]);

        var alice = await _service.GetAsync(Alice, "team", CancellationToken.None);
        var refused = await _service.GetAsync(carol, "team", CancellationToken.None);
        var admin = await _service.GetAsync(Admin, "team", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(alice.IsSuccess, Is.True, "alice's group holds VIEW");
            Assert.That(refused.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden), "carol holds nothing; bob's entry is not hers");
            Assert.That(admin.IsSuccess, Is.True);
        }

        _queries.Verify(r => r.FindSharedAsync("team", Options.MaxKeptGrants, It.IsAny<CancellationToken>()), Times.Once, "read once per registry revision");
        _queries.Verify(r => r.FindAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Get_ServerWithMoreEntriesThanKept_IsCheckedByTheDatabaseWithTheCallersPrincipals()
    {
        var server = Server("popular");
        Shared(server, [], complete: false);
        _queries.Setup(r => r.FindAsync("popular", It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ServerAccess(server, PermissionBits.View));

        var result = await _service.GetAsync(Alice, "popular", CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True);
        _queries.Verify(r => r.FindAsync("popular", It.Is<IReadOnlyList<PrincipalKey>>(p => p.SequenceEqual(Alice.Principals)), It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task Get_AfterTheRegistryChanged_ReadsTheServerAgain()
    {
        var server = Server("mine");
        Shared(server, [new Grant(PrincipalKey.User(Alice.UserId), PermissionBits.All)]);
        Assert.That((await _service.GetAsync(Alice, "mine", CancellationToken.None)).IsSuccess, Is.True);

        Shared(server, []);
        var kept = await _service.GetAsync(Alice, "mine", CancellationToken.None);
        _revisions.Setup(r => r.ReadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new ChangeRevisions(RegistryRevision + 1, 1));
        var revoked = await _service.GetAsync(Alice, "mine", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(kept.IsSuccess, Is.True, "same revision: what was kept");
            Assert.That(revoked.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden), "the revision moved: read again");
        }
    }

    [Test]
    public async Task Get_WithView_ReturnsTheDbServerMaskedWithETag()
    {
        var server = Stored("mine", PermissionBits.View, SseConfig() with
        {
            Headers = new Dictionary<string, string> { ["X-Key"] = "secret" },
            OAuth = new OAuthSettings { ClientId = "c", ClientSecret = "s" },
        }, version: 9);

        var result = await _service.GetAsync(Alice, "mine", CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Source, Is.EqualTo(ServerSource.Db));
            Assert.That(result.Value.DbId, Is.EqualTo(server.Id));
            Assert.That(result.Value.ETag, Is.EqualTo("\"9\""));
            Assert.That(result.Value.Config.Headers!["X-Key"], Is.EqualTo(McpServerConfig.MaskedValue));
            Assert.That(result.Value.Config.OAuth!.ClientSecret, Is.Null);
        }
    }

    [Test]
    public async Task Get_WithoutViewBit_IsForbidden()
    {
        Stored("mine", PermissionBits.None);

        var result = await _service.GetAsync(Alice, "mine", CancellationToken.None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
    }

    [Test]
    public async Task Get_AdminWithZeroBits_PassesTheAcl()
    {
        Stored("theirs", PermissionBits.None);

        var result = await _service.GetAsync(Admin, "theirs", CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True);
    }

    // ---- ACL on Update / Delete ---------------------------------------------------------------------------------

    [Test]
    public async Task Update_ViewerWithoutEdit_IsForbiddenWithLibreChatsStrings()
    {
        Stored("shared", PermissionBits.View);

        var result = await _changeService.UpdateAsync(Alice, "shared", SseConfig(), null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("Forbidden"));
            Assert.That(result.Error?.Message, Is.EqualTo("Insufficient permissions to access this mcpServer"));
        }

        _repo.Verify(r => r.UpdateAsync(It.IsAny<Guid>(), It.IsAny<McpServerConfig>(), It.IsAny<long?>(), It.IsAny<bool>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Delete_EditorWithoutDelete_IsForbidden()
    {
        Stored("shared", PermissionBits.View | PermissionBits.Edit);

        var result = await _changeService.DeleteAsync(Alice, "shared", null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(result.Error?.Message, Is.EqualTo("Insufficient permissions to access this mcpServer"));
        }

        _repo.Verify(r => r.DeleteAsync(It.IsAny<Guid>(), It.IsAny<long?>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Update_AdminWithZeroBits_BypassesTheAcl()
    {
        var server = Stored("theirs", PermissionBits.None);
        var updates = CaptureUpdates(server);

        var result = await _changeService.UpdateAsync(Admin, "theirs", SseConfig(), null, CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Message);
        Assert.That(updates, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Delete_AdminWithZeroBits_BypassesTheAclAndAudits()
    {
        var server = Stored("theirs", PermissionBits.None);
        _repo.Setup(r => r.DeleteAsync(server.Id, null, It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var result = await _changeService.DeleteAsync(Admin, "theirs", null, CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True);
        // Recorded by the repository in the transaction of the delete.
        _repo.Verify(r => r.DeleteAsync(server.Id, null, It.Is<AuditEvent>(e => e.Action == AuditActions.ServerDeleted && e.ActorId == "root" && e.ResourceId == server.Id.ToString()), It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task Update_AppLevelServer_IsReadOnly()
    {
        _catalog.Setup(c => c.Find("weather")).Returns(App("weather"));

        var result = await _changeService.UpdateAsync(Admin, "weather", SseConfig(), null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("Forbidden"));
            Assert.That(result.Error?.Message, Is.EqualTo("MCP server 'weather' is defined in configuration and is read-only"));
        }

        _queries.VerifyNoOtherCalls();
        _repo.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Delete_AppLevelServer_IsReadOnly()
    {
        _catalog.Setup(c => c.Find("weather")).Returns(App("weather"));

        var result = await _changeService.DeleteAsync(Admin, "weather", null, CancellationToken.None);

        Assert.That(result.Error?.Message, Is.EqualTo("MCP server 'weather' is defined in configuration and is read-only"));
        _queries.VerifyNoOtherCalls();
        _repo.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Update_MissingServer_IsNotFound()
    {
        var result = await _changeService.UpdateAsync(Alice, "gone", SseConfig(), null, CancellationToken.None);

        Assert.That(result.Error?.Message, Is.EqualTo("mcpServer not found"));
    }

    // ---- If-Match -----------------------------------------------------------------------------------------------

    [Test]
    public async Task Update_IfMatchMismatch_IsPreconditionFailedAndNeverWrites()
    {
        Stored("mine", PermissionBits.All, version: 5);

        var result = await _changeService.UpdateAsync(Alice, "mine", SseConfig(), expectedVersion: 4, CancellationToken.None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.PreconditionFailed));
        _repo.Verify(r => r.UpdateAsync(It.IsAny<Guid>(), It.IsAny<McpServerConfig>(), It.IsAny<long?>(), It.IsAny<bool>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Update_IfMatchMatching_PassesTheVersionToTheRepository()
    {
        var server = Stored("mine", PermissionBits.All, version: 5);
        var updates = CaptureUpdates(server);

        var result = await _changeService.UpdateAsync(Alice, "mine", SseConfig(), expectedVersion: 5, CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(updates.Single().Version, Is.EqualTo(5));
            Assert.That(result.Value.ETag, Is.EqualTo("\"6\""));
        }
    }

    [Test]
    public async Task Update_WithoutIfMatch_StillGuardsWithTheVersionItRead()
    {
        var server = Stored("mine", PermissionBits.All, version: 8);
        var updates = CaptureUpdates(server);

        await _changeService.UpdateAsync(Alice, "mine", SseConfig(), null, CancellationToken.None);

        Assert.That(updates.Single().Version, Is.EqualTo(8));
    }

    [Test]
    public async Task Update_RepositoryReportsAConcurrentChange_IsPreconditionFailed()
    {
        var server = Stored("mine", PermissionBits.All);
        _repo.Setup(r => r.UpdateAsync(server.Id, It.IsAny<McpServerConfig>(), It.IsAny<long?>(), It.IsAny<bool>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((McpServer?)null);

        var result = await _changeService.UpdateAsync(Alice, "mine", SseConfig(), null, CancellationToken.None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.PreconditionFailed));
        _repo.Verify(r => r.UpdateAsync(server.Id, It.IsAny<McpServerConfig>(), It.IsAny<long?>(), It.IsAny<bool>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Once);
        _repo.VerifyNoOtherCalls();   // nothing recorded beside the write that wrote nothing (its record goes with it)
    }

    [Test]
    public async Task Delete_IfMatchMismatch_IsPreconditionFailedAndNeverDeletes()
    {
        Stored("mine", PermissionBits.All, version: 5);

        var result = await _changeService.DeleteAsync(Alice, "mine", expectedVersion: 2, CancellationToken.None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.PreconditionFailed));
        _repo.Verify(r => r.DeleteAsync(It.IsAny<Guid>(), It.IsAny<long?>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [TestCase(null, ErrorKind.NotFound)]
    [TestCase(5L, ErrorKind.PreconditionFailed)]
    public async Task Delete_RepositoryDeletesNothing_IsNotFoundOrPreconditionFailed(long? expectedVersion, ErrorKind expected)
    {
        Stored("mine", PermissionBits.All, version: 5);
        _repo.Setup(r => r.DeleteAsync(It.IsAny<Guid>(), It.IsAny<long?>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        var result = await _changeService.DeleteAsync(Alice, "mine", expectedVersion, CancellationToken.None);

        Assert.That(result.Error?.Kind, Is.EqualTo(expected));
        _repo.Verify(r => r.DeleteAsync(It.IsAny<Guid>(), It.IsAny<long?>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Once);
        _repo.VerifyNoOtherCalls();   // nothing recorded beside the write that wrote nothing (its record goes with it)
    }

    // ---- secrets on Update --------------------------------------------------------------------------------------

    private static McpServerConfig WithOAuth(string url = "https://mcp.example.com/sse", string? secret = "stored-secret", string clientId = "client") =>
        SseConfig(url) with
        {
            OAuth = new OAuthSettings
            {
                AuthorizationUrl = "https://auth.example.com/authorize",
                TokenUrl = "https://auth.example.com/token",
                ClientId = clientId,
                ClientSecret = secret,
                RevocationEndpoint = "https://auth.example.com/revoke",
            },
        };

    [Test]
    public async Task Update_WithoutClientSecret_KeepsTheStoredSecretAndKeepsCredentials()
    {
        var server = Stored("mine", PermissionBits.All, WithOAuth());
        var updates = CaptureUpdates(server);

        var result = await _changeService.UpdateAsync(Alice, "mine", WithOAuth(secret: null) with { Description = "new" }, null, CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Message);
        var (config, _, revoke) = updates.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.OAuth!.ClientSecret, Is.EqualTo("stored-secret"));
            Assert.That(config.Description, Is.EqualTo("new"));
            Assert.That(revoke, Is.False);
            Assert.That(result.Value.Config.OAuth!.ClientSecret, Is.Null, "the answer never carries the secret");
        }
    }

    [Test]
    public async Task Update_WithANewClientSecret_UsesTheNewOne()
    {
        var server = Stored("mine", PermissionBits.All, WithOAuth());
        var updates = CaptureUpdates(server);

        await _changeService.UpdateAsync(Alice, "mine", WithOAuth(secret: "fresh"), null, CancellationToken.None);

        Assert.That(updates.Single().Config.OAuth!.ClientSecret, Is.EqualTo("fresh"));
    }

    [Test]
    public async Task Update_ChangingUrl_DropsTheStoredSecretAndRevokesCredentials()
    {
        var server = Stored("mine", PermissionBits.All, WithOAuth());
        var updates = CaptureUpdates(server);

        await _changeService.UpdateAsync(Alice, "mine", WithOAuth(url: "https://elsewhere.example.com/sse", secret: null), null, CancellationToken.None);

        var (config, _, revoke) = updates.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.OAuth!.ClientSecret, Is.Null);
            Assert.That(revoke, Is.True);
        }

        // Recorded by the repository in the transaction of the change, which also deletes every user's credentials.
        _repo.Verify(r => r.UpdateAsync(server.Id, It.IsAny<McpServerConfig>(), It.IsAny<long?>(), true, It.Is<AuditEvent>(e => e.Action == AuditActions.ServerUpdated && e.ActorId == "alice"), It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task Update_ChangingClientId_DropsTheStoredSecretAndRevokesCredentials()
    {
        var server = Stored("mine", PermissionBits.All, WithOAuth());
        var updates = CaptureUpdates(server);

        await _changeService.UpdateAsync(Alice, "mine", WithOAuth(secret: null, clientId: "other"), null, CancellationToken.None);

        var (config, _, revoke) = updates.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.OAuth!.ClientSecret, Is.Null);
            Assert.That(revoke, Is.True);
        }
    }

    [Test]
    public async Task Update_UrlOnlyGainsATrailingSlash_IsNotABindingChange()
    {
        var server = Stored("mine", PermissionBits.All, WithOAuth());
        var updates = CaptureUpdates(server);

        await _changeService.UpdateAsync(Alice, "mine", WithOAuth(url: "https://mcp.example.com/sse/", secret: null), null, CancellationToken.None);

        var (config, _, revoke) = updates.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.OAuth!.ClientSecret, Is.EqualTo("stored-secret"));
            Assert.That(revoke, Is.False);
        }
    }

    [Test]
    public async Task Update_ChangingRevocationEndpoint_DropsTheStoredSecretAndRevokesCredentials()
    {
        var server = Stored("mine", PermissionBits.All, WithOAuth());
        var updates = CaptureUpdates(server);
        var input = WithOAuth(secret: null);
        input = input with { OAuth = input.OAuth! with { RevocationEndpoint = "https://attacker.example.net/revoke" } };

        await _changeService.UpdateAsync(Alice, "mine", input, null, CancellationToken.None);

        var (config, _, revoke) = updates.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.OAuth!.ClientSecret, Is.Null);
            Assert.That(revoke, Is.True);
        }
    }

    [Test]
    public async Task Update_MaskedHeaderWithUnchangedUrl_IsRestoredFromTheStoredValue()
    {
        var stored = SseConfig() with { Headers = new Dictionary<string, string> { ["X-Key"] = "real-key", ["X-Old"] = "old" } };
        var server = Stored("mine", PermissionBits.All, stored);
        var updates = CaptureUpdates(server);
        var input = SseConfig() with { Headers = new Dictionary<string, string> { ["X-Key"] = McpServerConfig.MaskedValue, ["X-New"] = "typed" } };

        var result = await _changeService.UpdateAsync(Alice, "mine", input, null, CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Message);
        Assert.That(updates.Single().Config.Headers, Is.EquivalentTo(new Dictionary<string, string> { ["X-Key"] = "real-key", ["X-New"] = "typed" }));
    }

    [Test]
    public async Task Update_MaskedHeaderWithChangedUrl_IsRefusedOnTheHeadersPath()
    {
        var stored = SseConfig() with { Headers = new Dictionary<string, string> { ["X-Key"] = "real-key" } };
        Stored("mine", PermissionBits.All, stored);
        var input = SseConfig("https://attacker.example.net/sse") with { Headers = new Dictionary<string, string> { ["X-Key"] = McpServerConfig.MaskedValue } };

        var result = await _changeService.UpdateAsync(Alice, "mine", input, null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
            Assert.That(result.Error?.Message, Is.EqualTo("Invalid configuration"));
            Assert.That(result.Error?.Errors?.Select(e => (e.Path, e.Code)), Is.EquivalentTo(new[] { ("headers.X-Key", "secret_required") }));
        }

        _repo.Verify(r => r.UpdateAsync(It.IsAny<Guid>(), It.IsAny<McpServerConfig>(), It.IsAny<long?>(), It.IsAny<bool>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Update_MaskedHeaderWithNothingStored_IsRefused()
    {
        Stored("mine", PermissionBits.All);
        var input = SseConfig() with { Headers = new Dictionary<string, string> { ["X-New"] = McpServerConfig.MaskedValue } };

        var result = await _changeService.UpdateAsync(Alice, "mine", input, null, CancellationToken.None);

        Assert.That(result.Error?.Errors?.Select(e => e.Path), Is.EquivalentTo(new[] { "headers.X-New" }));
    }

    [Test]
    public async Task Update_StripsServerManagedKeys()
    {
        var server = Stored("mine", PermissionBits.All);
        var updates = CaptureUpdates(server);

        await _changeService.UpdateAsync(Alice, "mine", SseConfig() with { Command = "rm", Startup = false, RequiresOAuth = true }, null, CancellationToken.None);

        var config = updates.Single().Config;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Command, Is.Null);
            Assert.That(config.Startup, Is.Null);
            Assert.That(config.RequiresOAuth, Is.Null);
        }
    }

    [Test]
    public async Task Update_OutboundPolicyRefusal_IsValidationAndNeverWrites()
    {
        Stored("mine", PermissionBits.All);
        _policy.Setup(p => p.CheckAsync(It.Is<Uri>(u => u.Host == "10.0.0.1"), It.IsAny<CancellationToken>())).ReturnsAsync("private");

        var result = await _changeService.UpdateAsync(Alice, "mine", SseConfig("http://10.0.0.1/sse"), null, CancellationToken.None);

        Assert.That(result.Error?.Errors?.Single().Code, Is.EqualTo("url_not_allowed"));
        _repo.Verify(r => r.UpdateAsync(It.IsAny<Guid>(), It.IsAny<McpServerConfig>(), It.IsAny<long?>(), It.IsAny<bool>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    // ---- Create -------------------------------------------------------------------------------------------------

    [Test]
    public async Task Create_StripsServerManagedAndStdioKeysBeforeTheRepository()
    {
        var creates = CaptureCreates();
        var input = new McpServerConfig
        {
            Type = "sse",
            Url = "https://mcp.example.com/sse",
            Title = "My Server",
            Description = "d",
            IconPath = "https://mcp.example.com/i.png",
            Headers = new Dictionary<string, string> { ["X-Key"] = "k" },
            CustomUserVars = new Dictionary<string, CustomUserVar> { ["TOKEN"] = new("Token", null) },
            OAuth = new OAuthSettings { ClientId = "c" },
            Command = "rm",
            Args = ["-rf", "/"],
            Env = new Dictionary<string, string> { ["A"] = "b" },
            Startup = false,
            Timeout = 1,
            InitTimeout = 2,
            ChatMenu = false,
            ServerInstructions = "true",
            RequiresOAuth = true,
            OAuthHeaders = new Dictionary<string, string> { ["X"] = "1" },
        };

        var result = await _changeService.CreateAsync(Alice, input, CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Message);
        var stored = creates.Single().Request.Config;
        var expected = new McpServerConfig
        {
            Type = input.Type,
            Url = input.Url,
            Title = input.Title,
            Description = input.Description,
            IconPath = input.IconPath,
            Headers = input.Headers,
            CustomUserVars = input.CustomUserVars,
            OAuth = input.OAuth,
        };
        Assert.That(stored, Is.EqualTo(expected));
    }

    [Test]
    public async Task Create_PassesAuthorBaseSlugAndQuotaToTheRepository()
    {
        var creates = CaptureCreates();

        await _changeService.CreateAsync(Alice, SseConfig() with { Title = "My Server" }, CancellationToken.None);

        var (request, _, max) = creates.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.AuthorId, Is.EqualTo("alice"));
            Assert.That(request.BaseSlug, Is.EqualTo("my-server"));
            Assert.That(max, Is.EqualTo(7));
        }
    }

    [Test]
    public async Task Create_NameChooserTakesTheNextFreeSuffix()
    {
        var creates = CaptureCreates("my-server");

        var result = await _changeService.CreateAsync(Alice, SseConfig() with { Title = "My Server" }, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(creates.Single().Name, Is.EqualTo("my-server-2"));
            Assert.That(result.Value.Name, Is.EqualTo("my-server-2"));
        }
    }

    [Test]
    public async Task Create_NameChooserAvoidsAppLevelNames()
    {
        _catalog.Setup(c => c.Find("app-weather")).Returns(App("app-weather"));
        var creates = CaptureCreates();

        await _changeService.CreateAsync(Alice, SseConfig() with { Title = "App Weather" }, CancellationToken.None);

        Assert.That(creates.Single().Name, Is.EqualTo("app-weather-2"));
    }

    [Test]
    public async Task Create_NameChooserSkipsAnAppLevelSuffixedName()
    {
        _catalog.Setup(c => c.Find("x-2")).Returns(App("x-2"));
        var creates = CaptureCreates("x");

        await _changeService.CreateAsync(Alice, SseConfig() with { Title = "x" }, CancellationToken.None);

        Assert.That(creates.Single().Name, Is.EqualTo("x-3"));
    }

    [TestCase("Servers", "servers-2")]
    [TestCase("tools", "tools-2")]
    [TestCase("OAuth", "oauth-2")]
    [TestCase("Connection", "connection-2")]
    public async Task Create_NameChooserAvoidsRouteWords(string title, string expected)
    {
        var creates = CaptureCreates();

        await _changeService.CreateAsync(Alice, SseConfig() with { Title = title }, CancellationToken.None);

        Assert.That(creates.Single().Name, Is.EqualTo(expected));
    }

    [TestCase(null)]
    [TestCase("")]
    public async Task Create_WithoutTitle_UsesARandomMcpName(string? title)
    {
        var creates = CaptureCreates("mcp-server");

        await _changeService.CreateAsync(Alice, SseConfig() with { Title = title }, CancellationToken.None);

        var (request, name, _) = creates.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.BaseSlug, Is.Null);
            Assert.That(name, Does.Match("^mcp-[A-Za-z0-9_-]{16}$"));
        }
    }

    [Test]
    public async Task Create_TitleOfOnlySpaces_IsNamedMcpServer()
    {
        var creates = CaptureCreates();

        await _changeService.CreateAsync(Alice, SseConfig() with { Title = "   " }, CancellationToken.None);

        Assert.That(creates.Single().Name, Is.EqualTo("mcp-server"));
    }

    [Test]
    public async Task Create_WritesAnAuditEventWithTheName()
    {
        CaptureCreates();

        var result = await _changeService.CreateAsync(Alice, SseConfig(), CancellationToken.None);

        Assert.That(_recorded, Has.One.Matches<AuditEvent>(e => e.Action == AuditActions.ServerCreated && e.ActorId == "alice" && e.ResourceId == result.Value.DbId.ToString() && e.Details!["serverName"] == "my-server"));
    }

    [Test]
    public async Task Create_OverQuota_IsConflict()
    {
        _repo.Setup(r => r.CreateAsync(It.IsAny<NewServer>(), It.IsAny<Func<IReadOnlyCollection<string>, string>>(), It.IsAny<int>(), It.IsAny<Func<McpServer, AuditEvent>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(((McpServer?)null, CreateFailure.QuotaExceeded));

        var result = await _changeService.CreateAsync(Alice, SseConfig(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
            Assert.That(result.Error?.Message, Does.Contain("7"));
        }

        _repo.Verify(r => r.CreateAsync(It.IsAny<NewServer>(), It.IsAny<Func<IReadOnlyCollection<string>, string>>(), It.IsAny<int>(), It.IsAny<Func<McpServer, AuditEvent>>(), It.IsAny<CancellationToken>()), Times.Once);
        _repo.VerifyNoOtherCalls();   // nothing recorded beside the create that created nothing (its record goes with it)
    }

    [Test]
    public async Task Create_OutboundPolicyRefusal_IsValidationOnUrlAndNeverReachesTheRepository()
    {
        _policy.Setup(p => p.CheckAsync(It.Is<Uri>(u => u.Host == "169.254.169.254"), It.IsAny<CancellationToken>())).ReturnsAsync("metadata");

        var result = await _changeService.CreateAsync(Alice, SseConfig("http://169.254.169.254/latest"), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
            Assert.That(result.Error?.Message, Is.EqualTo("Invalid configuration"));
            Assert.That(result.Error?.Errors, Is.EqualTo(new[] { new FieldError("url", "metadata", "url_not_allowed") }));
        }

        _queries.VerifyNoOtherCalls();
        _repo.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Create_ChecksEveryOutboundOAuthUrl()
    {
        _policy.Setup(p => p.CheckAsync(It.Is<Uri>(u => u.Host == "internal"), It.IsAny<CancellationToken>())).ReturnsAsync("private");
        var input = SseConfig() with
        {
            OAuth = new OAuthSettings
            {
                AuthorizationUrl = "https://internal/authorize",
                TokenUrl = "https://internal/token",
                RevocationEndpoint = "https://internal/revoke",
            },
        };

        var result = await _changeService.CreateAsync(Alice, input, CancellationToken.None);

        Assert.That(result.Error?.Errors?.Select(e => e.Path),
            Is.EquivalentTo(new[] { "oauth.authorization_url", "oauth.token_url", "oauth.revocation_endpoint" }));
    }

    // ---- change notifications -----------------------------------------------------------------------------------

    [Test]
    public async Task Update_Success_TellsTheChangeListener()
    {
        var server = Stored("mine", PermissionBits.All);
        CaptureUpdates(server);

        await _changeService.UpdateAsync(Alice, "mine", SseConfig(), null, CancellationToken.None);

        _changes.Verify(c => c.ServerChangedAsync("mine", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Delete_Success_TellsTheChangeListener()
    {
        var server = Stored("mine", PermissionBits.All);
        _repo.Setup(r => r.DeleteAsync(server.Id, null, It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        await _changeService.DeleteAsync(Alice, "mine", null, CancellationToken.None);

        _changes.Verify(c => c.ServerChangedAsync("mine", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task FailedUpdateOrDelete_DoesNotTellTheChangeListener()
    {
        Stored("mine", PermissionBits.View);

        await _changeService.UpdateAsync(Alice, "mine", SseConfig(), null, CancellationToken.None);
        await _changeService.DeleteAsync(Alice, "mine", null, CancellationToken.None);

        _changes.VerifyNoOtherCalls();
    }

    [Test]
    public async Task MarkRequiresOAuth_MarksDatabaseServersOnly()
    {
        _catalog.Setup(c => c.Find("weather")).Returns(App("weather"));

        await _service.MarkRequiresOAuthAsync("weather", CancellationToken.None);
        _repo.Verify(r => r.MarkRequiresOAuthAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);

        await _service.MarkRequiresOAuthAsync("mine", CancellationToken.None);
        _repo.Verify(r => r.MarkRequiresOAuthAsync("mine", It.IsAny<CancellationToken>()), Times.Once);
    }

    // ---- ResolveForUse ------------------------------------------------------------------------------------------

    [Test]
    public async Task ResolveForUse_AppServer_IsUsableWithItsUnmaskedConfig()
    {
        _catalog.Setup(c => c.Find("weather")).Returns(App("weather"));

        var result = await _service.ResolveForUseAsync(Alice, "weather", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Source, Is.EqualTo(ServerSource.App));
            Assert.That(result.Value.Config.Env!["KEY"], Is.EqualTo("secret"));
        }
    }

    [Test]
    public async Task ResolveForUse_DbServerWithView_CarriesItsSecrets()
    {
        Stored("mine", PermissionBits.View, SseConfig() with { Headers = new Dictionary<string, string> { ["X-Key"] = "real" } });

        var result = await _service.ResolveForUseAsync(Alice, "mine", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Source, Is.EqualTo(ServerSource.Db));
            Assert.That(result.Value.Config.Headers!["X-Key"], Is.EqualTo("real"));
        }
    }

    [TestCase(PermissionBits.None)]
    [TestCase(null)]
    public async Task ResolveForUse_InvisibleOrMissing_IsTheSameNotInConfigurationError(PermissionBits? bits)
    {
        if (bits is { } b)
        {
            Stored("hidden", b);
        }

        var result = await _service.ResolveForUseAsync(Alice, "hidden", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.NotFound));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("MCP server 'hidden' not found in configuration"));
        }
    }

    // ---- List / Page --------------------------------------------------------------------------------------------

    [Test]
    public async Task List_AppServersFirstThenVisibleDbServers()
    {
        _catalog.Setup(c => c.All).Returns([App("zeta")]);
        _queries.Setup(r => r.ListVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([Server("alpha")]);

        var list = await _service.ListAsync(Alice, CancellationToken.None);

        Assert.That(list.Select(v => (v.Name, v.Source)), Is.EqualTo(new[] { ("zeta", ServerSource.App), ("alpha", ServerSource.Db) }));
    }

    [Test]
    public async Task List_IsReadOncePerRegistryRevision_AppServersAddedAfresh()
    {
        _queries.Setup(r => r.ListVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<CancellationToken>())).ReturnsAsync([Server("alpha")]);
        await _service.ListAsync(Alice, CancellationToken.None);
        _catalog.Setup(c => c.All).Returns([App("zeta")]);

        var again = await _service.ListAsync(Alice, CancellationToken.None);
        _revisions.Setup(r => r.ReadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new ChangeRevisions(RegistryRevision + 1, 1));
        await _service.ListAsync(Alice, CancellationToken.None);

        Assert.That(again.Select(v => v.Name), Is.EqualTo(new[] { "zeta", "alpha" }));
        // The public servers and the caller's own are two lists, each read once per revision.
        _queries.Verify(r => r.ListVisibleAsync(new[] { PrincipalKey.Public }, It.IsAny<CancellationToken>()), Times.Exactly(2), "read again only once the registry changed");
        _queries.Verify(r => r.ListVisibleAsync(It.Is<IReadOnlyList<PrincipalKey>>(p => !p.Contains(PrincipalKey.Public)), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task List_MergesPublicAndOwnServersInNameOrder_EachOnce()
    {
        var both = Server("bravo");
        _queries.Setup(r => r.ListVisibleAsync(new[] { PrincipalKey.Public }, It.IsAny<CancellationToken>())).ReturnsAsync([Server("alpha"), both, Server("delta")]);
        _queries.Setup(r => r.ListVisibleAsync(It.Is<IReadOnlyList<PrincipalKey>>(p => !p.Contains(PrincipalKey.Public)), It.IsAny<CancellationToken>()))
            .ReturnsAsync([both, Server("charlie"), Server("echo")]);

        var list = await _service.ListAsync(Alice, CancellationToken.None);

        Assert.That(list.Select(v => v.Name), Is.EqualTo(new[] { "alpha", "bravo", "charlie", "delta", "echo" }));
    }

    [Test]
    public async Task ResolveForPlatform_IsReadOncePerRegistryRevision()
    {
        Shared(Server("alpha"), []);

        var first = await _service.ResolveForPlatformAsync("alpha", CancellationToken.None);
        var second = await _service.ResolveForPlatformAsync("alpha", CancellationToken.None);

        Assert.That(second, Is.EqualTo(first));
        _queries.Verify(r => r.FindSharedAsync("alpha", Options.MaxKeptGrants, It.IsAny<CancellationToken>()), Times.Once);
    }

    [TestCase(0)]
    [TestCase(101)]
    [TestCase(-1)]
    public async Task Page_LimitOutsideOneToHundred_IsValidation(int limit)
    {
        var result = await _service.PageAsync(Alice, limit, null, null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
            Assert.That(result.Error?.Errors?.Select(e => e.Path), Is.EqualTo(new[] { "limit" }));
        }

        _queries.VerifyNoOtherCalls();
        _repo.VerifyNoOtherCalls();
    }

    [TestCase("garbage!!")]
    [TestCase("")]
    [TestCase("bjE6")] // "n1:" with no name
    [TestCase("eDE6YWJj")] // "x1:abc": wrong version prefix
    public async Task Page_CursorNotIssuedByTheApi_IsValidation(string cursor)
    {
        var result = await _service.PageAsync(Alice, 10, cursor, null, CancellationToken.None);

        Assert.That(result.Error?.Errors?.Select(e => (e.Path, e.Code)), Is.EqualTo(new[] { ("cursor", "invalid_cursor") }));
        _queries.VerifyNoOtherCalls();
        _repo.VerifyNoOtherCalls();
    }

    [TestCase("a")]
    [TestCase(" b ")]
    public async Task Page_SearchShorterThanTwoCharacters_IsValidation(string search)
    {
        var result = await _service.PageAsync(Alice, null, null, search, CancellationToken.None);

        Assert.That(result.Error?.Errors?.Select(e => (e.Path, e.Code)), Is.EqualTo(new[] { ("search", "too_short") }));
    }

    [Test]
    public async Task Page_SearchLongerThan100_IsValidation()
    {
        var result = await _service.PageAsync(Alice, null, null, new string('s', 101), CancellationToken.None);

        Assert.That(result.Error?.Errors?.Select(e => e.Code), Is.EqualTo(new[] { "too_long" }));
    }

    [Test]
    public async Task Page_SeveralProblems_AreReportedTogether()
    {
        var result = await _service.PageAsync(Alice, 0, "garbage!!", "x", CancellationToken.None);

        Assert.That(result.Error?.Errors?.Select(e => e.Path), Is.EquivalentTo(new[] { "limit", "cursor", "search" }));
    }

    [Test]
    public async Task Page_DefaultLimit_AsksTheRepositoryForTwentyOne()
    {
        _queries.Setup(r => r.PageVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<string?>(), It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);

        await _service.PageAsync(Alice, null, null, null, CancellationToken.None);

        _queries.Verify(r => r.PageVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), null, 21, null, It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task Page_FirstPageIsReadOncePerRegistryRevision_LaterPagesAndSearchesEachTime()
    {
        _queries.Setup(r => r.PageVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<string?>(), It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([Server("alpha")]);
        var later = PageCursor.Encode("alpha");

        for (var i = 0; i < 2; i++)
        {
            await _service.PageAsync(Alice, 20, null, null, CancellationToken.None);
            await _service.PageAsync(Alice, 20, later, null, CancellationToken.None);
            await _service.PageAsync(Alice, 20, null, "alp", CancellationToken.None);
        }

        await _service.PageAsync(Alice, 10, null, null, CancellationToken.None);
        await _service.PageAsync(new Caller("bob", SystemRoles.User, []), 20, null, null, CancellationToken.None);
        _revisions.Setup(r => r.ReadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new ChangeRevisions(RegistryRevision + 1, 1));
        await _service.PageAsync(Alice, 20, null, null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            _queries.Verify(r => r.PageVisibleAsync(Alice.Principals, null, 21, null, It.IsAny<CancellationToken>()), Times.Exactly(2), "kept until the registry changed");
            _queries.Verify(r => r.PageVisibleAsync(Alice.Principals, "alpha", 21, null, It.IsAny<CancellationToken>()), Times.Exactly(2));
            _queries.Verify(r => r.PageVisibleAsync(Alice.Principals, null, 21, "alp", It.IsAny<CancellationToken>()), Times.Exactly(2));
            _queries.Verify(r => r.PageVisibleAsync(Alice.Principals, null, 11, null, It.IsAny<CancellationToken>()), Times.Once, "another page size");
            _queries.Verify(r => r.PageVisibleAsync(It.Is<IReadOnlyList<PrincipalKey>>(p => p.Contains(PrincipalKey.User("bob"))), null, 21, null, It.IsAny<CancellationToken>()), Times.Once, "another caller");
        }
    }

    [Test]
    public async Task Page_MergesAppAndDbInOrdinalOrder_WithACursorOnlyWhenMoreExist()
    {
        _catalog.Setup(c => c.All).Returns([App("Zulu"), App("alpha"), App("delta")]);
        _queries.Setup(r => r.PageVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), null, 4, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync([Server("bravo"), Server("charlie"), Server("echo"), Server("foxtrot")]);

        var result = await _service.PageAsync(Alice, 3, null, null, CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True);
        using (Assert.EnterMultipleScope())
        {
            // Ordinal: upper-case sorts before lower-case.
            Assert.That(result.Value.Servers.Select(s => s.Name), Is.EqualTo(new[] { "Zulu", "alpha", "bravo" }));
            Assert.That(result.Value.NextCursor, Is.Not.Null);
            Assert.That(PageCursor.TryDecode(result.Value.NextCursor!, out var last), Is.True);
            Assert.That(last, Is.EqualTo("bravo"));
        }
    }

    [Test]
    public async Task Page_FollowingTheCursor_FiltersAppServersAndEndsWithoutACursor()
    {
        _catalog.Setup(c => c.All).Returns([App("Zulu"), App("alpha"), App("delta")]);
        _queries.Setup(r => r.PageVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), "bravo", 4, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync([Server("charlie")]);

        var result = await _service.PageAsync(Alice, 3, PageCursor.Encode("bravo"), null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Servers.Select(s => (s.Name, s.Source)), Is.EqualTo(new[] { ("charlie", ServerSource.Db), ("delta", ServerSource.App) }));
            Assert.That(result.Value.NextCursor, Is.Null);
        }
    }

    [Test]
    public async Task Page_ExactlyLimitItems_HasNoCursor()
    {
        _catalog.Setup(c => c.All).Returns([App("alpha")]);
        _queries.Setup(r => r.PageVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), null, 3, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync([Server("bravo")]);

        var result = await _service.PageAsync(Alice, 2, null, null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Servers, Has.Count.EqualTo(2));
            Assert.That(result.Value.NextCursor, Is.Null);
        }
    }

    [Test]
    public async Task Page_Search_FiltersAppServersByNameTitleOrDescriptionCaseInsensitively_AndPassesTheTrimmedTermOn()
    {
        _catalog.Setup(c => c.All).Returns(
        [
            App("needle-by-name"),
            App("other", title: "Has a NEEDLE"),
            new AppServer("described", new McpServerConfig { Url = "https://a", Description = "a needle here" }, T0),
            App("unrelated", title: "Nothing"),
        ]);
        _queries.Setup(r => r.PageVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), null, 21, "needle", It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);

        var result = await _service.PageAsync(Alice, null, null, "  needle ", CancellationToken.None);

        Assert.That(result.Value.Servers.Select(s => s.Name), Is.EqualTo(new[] { "described", "needle-by-name", "other" }));
        _queries.Verify(r => r.PageVisibleAsync(It.IsAny<IReadOnlyList<PrincipalKey>>(), null, 21, "needle", It.IsAny<CancellationToken>()));
    }
}
