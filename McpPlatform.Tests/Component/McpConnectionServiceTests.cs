using System.Collections.Concurrent;
using System.Text.Json;
using McpPlatform.Domain.Access;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Infrastructure.Mcp.Board;
using McpPlatform.Infrastructure.Mcp.Sessions;
using McpPlatform.Tests.Fixtures;
using Moq;
using static McpPlatform.Domain.Tests.ConnectionTestKit;

namespace McpPlatform.Tests.Component;

/// <summary>Reinitialize, tool calls and status over a real registry, session runtime and OAuth services, with every port mocked.</summary>
public sealed class McpConnectionServiceTests
{
    private static readonly Caller Alice = new("alice", SystemRoles.User, []);
    private static readonly CancellationToken None = CancellationToken.None;

    private Mock<IServerQueries> _queries = null!;
    private Mock<IServerRepository> _repo = null!;
    private Mock<IAppServerCatalog> _catalog = null!;
    private Mock<IMcpConnector> _connector = null!;
    private ConcurrentQueue<Opened> _opened = null!;
    private MemoryToolCache _cache = null!;
    private Mock<ICredentialStore> _credentials = null!;
    private Mock<IOAuthFlowStore> _flows = null!;
    private Mock<IOAuthClient> _oauthClient = null!;
    private Mock<ITokenStore> _tokens = null!;
    private Mock<IDistributedLock> _locks = null!;
    private ConnectionOptions _options = null!;
    private McpSessionPool _pool = null!;
    private ConnectionServices _service = null!;

    [SetUp]
    public void SetUp()
    {
        var clock = new Clock();
        _queries = new Mock<IServerQueries>();
        _repo = new Mock<IServerRepository>();
        _catalog = new Mock<IAppServerCatalog>();
        _catalog.Setup(c => c.All).Returns([]);
        var registry = new ServerRegistryService(_queries.Object, _repo.Object, _catalog.Object, new RegistrySnapshots(new CountingChangeRevisions(), new Mock<IRevisionedCache>().Object), new McpRegistryOptions());

        _connector = new Mock<IMcpConnector>();
        _opened = OpenFreshSessions(_connector);
        _cache = new MemoryToolCache(new MemoryCatalogRevisions());
        _options = new ConnectionOptions { ConnectAttempts = 1, RetryBackoff = TimeSpan.FromMilliseconds(1) };
        _pool = new McpSessionPool(_connector.Object, new ToolCatalogWriter(_cache), clock, _options);

        _credentials = new Mock<ICredentialStore>();
        _credentials.Setup(c => c.GetAsync(It.IsAny<string>(), It.IsAny<CredentialKey>(), It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, string>());
        _flows = new Mock<IOAuthFlowStore>();
        _oauthClient = new Mock<IOAuthClient>();
        _tokens = new Mock<ITokenStore>();
        _tokens.Setup(t => t.SaveRegistrationAsync(It.IsAny<CredentialKey>(), It.IsAny<string>(), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((CredentialKey _, string _, ClientRegistration registration, CancellationToken _) => registration);
        _locks = new Mock<IDistributedLock>();
        var oauthOptions = new OAuthOptions { PublicBaseUrl = "https://platform.example.com" };
        var browsers = new Mock<IBrowserBinding>();
        var registrations = new OAuthClientRegistrations(_oauthClient.Object, _tokens.Object, new RegistrySnapshots(new CountingChangeRevisions(), new Mock<IRevisionedCache>().Object), oauthOptions);
        var starter = new OAuthFlowStarter(_flows.Object, _oauthClient.Object, registrations, browsers.Object, oauthOptions, clock);
        var accessTokens = new AccessTokenService(_tokens.Object, _oauthClient.Object, _locks.Object, oauthOptions, clock);
        var opener = new SessionOpener(registry, _pool, _credentials.Object, starter, accessTokens, _options);
        _service = new ConnectionServices(
            new ReinitializeService(registry, _pool, opener, new ToolCatalogWriter(_cache)),
            new ToolCallService(registry, _pool, opener, _cache, _options),
            new ConnectionStatusService(registry, _pool, new SingleInstanceConnectionBoard(), new OAuthFlowQueries(_flows.Object, _tokens.Object, oauthOptions, clock)));
    }

    [TearDown]
    public async Task TearDown() => await _pool.DisposeAsync();

    private static McpServerConfig Remote(string url = "https://mcp.example.com/mcp") => new() { Type = "streamable-http", Url = url };

    private void AppServer(string name, McpServerConfig config) =>
        _catalog.Setup(c => c.Find(name)).Returns(new AppServer(name, config, T0));

    // Public, so that every caller of these tests may use it.
    private void DbServer(string name, McpServerConfig config) =>
        _queries.Setup(r => r.FindSharedAsync(name, new McpRegistryOptions().MaxKeptGrants, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SharedServer(new McpServer(Guid.NewGuid(), name, config, "alice", T0, T0, 1), [new Grant(PrincipalKey.Public, PermissionBits.View)], Complete: true));

    private void ConnectorThrows(Func<string, Error> failure, string message) =>
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(failure(message));

    private void VerifyConnects(int times) =>
        _connector.Verify(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()), Times.Exactly(times));

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    // ---- reinitialize ---------------------------------------------------------------------------------------------

    [Test]
    public async Task Reinitialize_UnknownServer_IsNotFoundInConfiguration()
    {
        var result = await _service.ReinitializeAsync(Alice, "x", None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.IsSuccess, Is.False);
            Assert.That(result.Error!.Kind, Is.EqualTo(ErrorKind.NotFound));
            Assert.That(result.Error.ErrorText, Is.EqualTo("MCP server 'x' not found in configuration"));
        }

        VerifyConnects(0);
    }

    [Test]
    public async Task Reinitialize_Connects_AndReportsSuccess()
    {
        AppServer("files", Remote());

        var result = await _service.ReinitializeAsync(Alice, "files", None);

        Assert.That(result.IsSuccess, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Success, Is.True);
            Assert.That(result.Value.Message, Is.EqualTo("MCP server 'files' reinitialized successfully"));
            Assert.That(result.Value.OAuthRequired, Is.False);
            Assert.That(result.Value.OAuthUrl, Is.Null);
            Assert.That(await _cache.GetAsync("files", ConnectionKey.Shared, None), Is.Not.Null);
        }
    }

    [Test]
    public async Task Reinitialize_ReplacesAnOpenSession()
    {
        AppServer("files", Remote());
        await _service.ReinitializeAsync(Alice, "files", None);

        await _service.ReinitializeAsync(Alice, "files", None);

        VerifyConnects(2);
        Assert.That(_opened.First().Session.DisposeCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Reinitialize_MissingUserVars_FailsWithTheirNames_WithoutConnecting()
    {
        AppServer("search", Remote() with
        {
            Headers = new Dictionary<string, string> { ["X-Key"] = "{{API_KEY}}" },
            CustomUserVars = new Dictionary<string, CustomUserVar> { ["API_KEY"] = new("API key", null), ["REGION"] = new("Region", null) },
        });
        _credentials.Setup(c => c.GetAsync("alice", It.Is<CredentialKey>(k => k.ServerId == ServerIds.ForAppServer("search")), It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, string> { ["REGION"] = "eu" });

        var result = await _service.ReinitializeAsync(Alice, "search", None);

        Assert.That(result.IsSuccess, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Success, Is.False);
            Assert.That(result.Value.MissingUserVars, Is.EqualTo(new[] { "API_KEY" }));
            Assert.That(result.Value.OAuthRequired, Is.False);
            Assert.That(result.Value.Message, Does.Contain("API_KEY"));
        }

        VerifyConnects(0);
    }

    [Test]
    public async Task Reinitialize_UnauthorizedFromAServerWithoutOAuth_MarksIt_AndReturnsTheAuthorizationUrl()
    {
        DbServer("remote", Remote());
        var challenge = new WwwAuthenticateChallenge("https://mcp.example.com/.well-known/oauth-protected-resource/mcp", null, null);
        ConnectorThrows(m => UpstreamErrors.Unauthorized(m, challenge), "401 Unauthorized");
        var discovery = new OAuthDiscovery("https://mcp.example.com/mcp", "https://auth.example.com", "https://auth.example.com/authorize", "https://auth.example.com/token",
            "https://auth.example.com/register", null, [], ["S256"], false, "read");
        _oauthClient.Setup(c => c.DiscoverAsync(new Uri("https://mcp.example.com/mcp"), challenge, It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(discovery);
        _oauthClient.Setup(c => c.RegisterAsync(discovery, "https://platform.example.com/api/mcp/remote/oauth/callback", "read", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ClientRegistration("dcr-client", null, "none"));

        var result = await _service.ReinitializeAsync(Alice, "remote", None);

        Assert.That(result.IsSuccess, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.OAuthRequired, Is.True);
            Assert.That(result.Value.Success, Is.True, "LibreChat: success with oauthRequired and the URL");
            Assert.That(result.Value.OAuthUrl, Does.StartWith("https://auth.example.com/authorize?"));
            Assert.That(result.Value.OAuthUrl, Does.Contain("client_id=dcr-client"));
            Assert.That(result.Value.Message, Is.EqualTo("MCP server 'remote' ready for OAuth authentication"));
        }

        _repo.Verify(r => r.MarkRequiresOAuthAsync("remote", It.IsAny<CancellationToken>()), Times.Once);
        _oauthClient.Verify(c => c.DiscoverAsync(It.IsAny<Uri>(), challenge, It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Once);
        _flows.Verify(f => f.SaveAsync(It.Is<OAuthFlow>(flow => flow.UserId == "alice" && flow.ServerName == "remote" && flow.AuthorizationUrl == result.Value.OAuthUrl), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Reinitialize_UnauthorizedFromAnAppServer_DoesNotWriteTheRepository()
    {
        AppServer("app-remote", Remote());
        ConnectorThrows(m => UpstreamErrors.Unauthorized(m, null), "401");
        _oauthClient.Setup(c => c.DiscoverAsync(It.IsAny<Uri>(), It.IsAny<WwwAuthenticateChallenge?>(), It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OAuthErrors.Discovery("no metadata"));

        var result = await _service.ReinitializeAsync(Alice, "app-remote", None);

        Assert.That(result.Value.OAuthRequired, Is.True);
        Assert.That(result.Value.Success, Is.False, "no URL could be built");
        Assert.That(result.Value.Message, Does.Contain("no metadata"));
        _repo.Verify(r => r.MarkRequiresOAuthAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Reinitialize_ConnectionFailure_IsSuccessFalseWithTheMessage()
    {
        AppServer("files", Remote());
        ConnectorThrows(UpstreamErrors.Unreachable, "Connection refused");

        var result = await _service.ReinitializeAsync(Alice, "files", None);

        Assert.That(result.IsSuccess, Is.True);
        Assert.That(result.Value.Success, Is.False);
        Assert.That(result.Value.Message, Is.EqualTo("Failed to reinitialize MCP server 'files': Connection refused"));
    }

    // ---- tool calls -----------------------------------------------------------------------------------------------

    [Test]
    public async Task CallTool_KnownTool_ReturnsTheServersResult()
    {
        AppServer("files", Remote());
        var payload = Json("""{"content":[{"type":"text","text":"hi"}]}""");
        var session = new FakeSession([Tool("read")]);
        JsonElement? sentArguments = null;
        session.Mock.Setup(s => s.CallToolAsync("read", It.IsAny<JsonElement?>(), It.IsAny<CancellationToken>()))
            .Callback<string, JsonElement?, CancellationToken>((_, a, _) => sentArguments = a)
            .ReturnsAsync(new ToolCallResult(payload, false));
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>())).ReturnsAsync(ResultOf.Value(session.Object));

        var result = await _service.CallToolAsync(Alice, "files", "read", Json("""{"path":"/a"}"""), None);

        Assert.That(result.IsSuccess, Is.True);
        Assert.That(result.Value.Result.GetRawText(), Is.EqualTo(payload.GetRawText()));
        Assert.That(sentArguments?.GetProperty("path").GetString(), Is.EqualTo("/a"));
    }

    [Test]
    public async Task CallTool_UnknownTool_IsNotFound()
    {
        AppServer("files", Remote());

        var result = await _service.CallToolAsync(Alice, "files", "nope", null, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.IsSuccess, Is.False);
            Assert.That(result.Error!.Kind, Is.EqualTo(ErrorKind.NotFound));
            Assert.That(result.Error.ErrorText, Is.EqualTo("Tool 'nope' not found on MCP server 'files'"));
        }

        _opened.Single().Session.Mock.Verify(s => s.CallToolAsync(It.IsAny<string>(), It.IsAny<JsonElement?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task CallTool_UnknownServer_IsNotFound()
    {
        var result = await _service.CallToolAsync(Alice, "ghost", "read", null, None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.NotFound));
        Assert.That(result.Error?.ErrorText, Is.EqualTo("MCP server 'ghost' not found in configuration"));
    }

    [Test]
    public async Task CallTool_ConnectorTimeout_IsUpstreamTimeout()
    {
        AppServer("files", Remote());
        ConnectorThrows(UpstreamErrors.Timeout, "The server did not answer within 30 s");

        var result = await _service.CallToolAsync(Alice, "files", "read", null, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.UpstreamTimeout));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("upstream_timeout"));
            Assert.That(result.Error?.Message, Is.EqualTo("The server did not answer within 30 s"));
            Assert.That(_pool.Snapshot(new ConnectionKey("files", ConnectionKey.Shared))?.State, Is.EqualTo(ConnectionState.Error));
        }
    }

    [Test]
    public async Task CallTool_ToolThatDoesNotAnswerInTime_IsUpstreamTimeout()
    {
        AppServer("files", Remote());
        _options.ToolCallTimeout = TimeSpan.FromMilliseconds(50);
        var session = new FakeSession([Tool("slow")]);
        session.Mock.Setup(s => s.CallToolAsync("slow", It.IsAny<JsonElement?>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, JsonElement? _, CancellationToken ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new ToolCallResult(default, false);
            });
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>())).ReturnsAsync(ResultOf.Value(session.Object));

        var result = await _service.CallToolAsync(Alice, "files", "slow", null, None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.UpstreamTimeout));
        Assert.That(session.DisposeCount, Is.EqualTo(1), "a timed-out session is marked broken and closed");
    }

    [Test]
    public async Task CallTool_CallsThatKeepFailingOnFreshSessions_OpenTheCircuit()
    {
        AppServer("files", Remote());
        _options.CircuitBreakerFailures = 2;
        _options.ToolCallTimeout = TimeSpan.FromMilliseconds(50);
        var sessions = HangingCallSessions();

        var first = await _service.CallToolAsync(Alice, "files", "slow", null, None);
        var second = await _service.CallToolAsync(Alice, "files", "slow", null, None);
        var third = await _service.CallToolAsync(Alice, "files", "slow", null, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Error?.ErrorText, Is.EqualTo("upstream_timeout"));
            Assert.That(first.Error?.Message, Does.Not.Contain("circuit"));
            Assert.That(second.Error?.ErrorText, Is.EqualTo("upstream_timeout"));
            Assert.That(second.Error?.Message, Does.EndWith("(circuit opened)"), "each call had connected anew, and still the calls count");
            Assert.That(third.Error?.Kind, Is.EqualTo(ErrorKind.Unavailable));
            Assert.That(third.Error?.ErrorText, Is.EqualTo("circuit_open"));
            Assert.That(sessions.Count, Is.EqualTo(2), "no connect while the circuit is open");
        }
    }

    [Test]
    public async Task CallTool_AnAnsweredCall_EndsTheRunOfFailedCalls()
    {
        AppServer("files", Remote());
        _options.CircuitBreakerFailures = 2;
        _options.ToolCallTimeout = TimeSpan.FromMilliseconds(50);
        HangingCallSessions();

        var failed = await _service.CallToolAsync(Alice, "files", "slow", null, None);
        var answered = await _service.CallToolAsync(Alice, "files", "quick", null, None);
        var failedAgain = await _service.CallToolAsync(Alice, "files", "slow", null, None);
        var stillAllowed = await _service.CallToolAsync(Alice, "files", "quick", null, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failed.Error?.ErrorText, Is.EqualTo("upstream_timeout"));
            Assert.That(answered.IsSuccess, Is.True);
            Assert.That(failedAgain.Error?.Message, Does.Not.Contain("circuit"));
            Assert.That(stillAllowed.IsSuccess, Is.True, "one failure after a success does not open the circuit");
        }
    }

    /// <summary>Every connect opens a fresh session with a <c>slow</c> tool that never answers and a <c>quick</c> one that does.</summary>
    private ConcurrentQueue<FakeSession> HangingCallSessions()
    {
        var sessions = new ConcurrentQueue<FakeSession>();
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                var session = new FakeSession([Tool("slow"), Tool("quick")]);
                session.Mock.Setup(s => s.CallToolAsync("slow", It.IsAny<JsonElement?>(), It.IsAny<CancellationToken>()))
                    .Returns(async (string _, JsonElement? _, CancellationToken ct) =>
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                        return new ToolCallResult(default, false);
                    });
                session.Mock.Setup(s => s.CallToolAsync("quick", It.IsAny<JsonElement?>(), It.IsAny<CancellationToken>()))
                    .ReturnsAsync(new ToolCallResult(JsonSerializer.SerializeToElement(new { content = Array.Empty<object>() }), false));
                sessions.Enqueue(session);
                return ResultOf.Value(session.Object);
            });
        return sessions;
    }

    [Test]
    public async Task CallTool_UnreachableServer_IsUpstreamFailed()
    {
        AppServer("files", Remote());
        ConnectorThrows(UpstreamErrors.Unreachable, "Connection refused");

        var result = await _service.CallToolAsync(Alice, "files", "read", null, None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.UpstreamFailed));
        Assert.That(result.Error?.ErrorText, Is.EqualTo("upstream_error"));
    }

    [TestCase("[1,2]")]
    [TestCase("\"text\"")]
    [TestCase("42")]
    [TestCase("true")]
    public async Task CallTool_ArgumentsThatAreNotAnObject_AreAValidationError(string arguments)
    {
        AppServer("files", Remote());

        var result = await _service.CallToolAsync(Alice, "files", "read", Json(arguments), None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
        Assert.That(result.Error?.Errors?.Single().Path, Is.EqualTo("arguments"));
        VerifyConnects(0);
    }

    [Test]
    public async Task CallTool_MissingUserVars_IsAValidationErrorNamingThem()
    {
        AppServer("search", Remote() with { CustomUserVars = new Dictionary<string, CustomUserVar> { ["API_KEY"] = new("API key", null) } });

        var result = await _service.CallToolAsync(Alice, "search", "query", null, None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
        Assert.That(result.Error?.Extensions?["missingUserVars"], Is.EqualTo(new[] { "API_KEY" }));
        VerifyConnects(0);
    }

    // ---- status ---------------------------------------------------------------------------------------------------

    [Test]
    public async Task Status_NeverConnects_AndFollowsThePool()
    {
        AppServer("files", Remote());

        var before = await _service.StatusAsync(Alice, "files", None);
        await _service.ReinitializeAsync(Alice, "files", None);
        var after = await _service.StatusAsync(Alice, "files", None);

        Assert.That(before.Value.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(after.Value.State, Is.EqualTo(ConnectionState.Connected));
        VerifyConnects(1);
    }

    [Test]
    public async Task ReconnectAfterAuthorization_WithTheCallbacksTokens_ConnectsWithThem_WithoutReadingThemBack()
    {
        AppServer("remote", Remote() with { RequiresOAuth = true });
        var stored = new TokenSet("at-from-callback", "rt", "Bearer", DateTimeOffset.UtcNow.AddHours(1), null, "https://auth", "https://auth/token", "client", "none", "https://mcp.example.com/mcp", null, 3);

        var connected = await _service.ReconnectAfterAuthorizationAsync("alice", "remote", stored, None);

        Assert.That(connected, Is.True);
        Assert.That(_opened.Single().Target.Headers["Authorization"], Is.EqualTo("Bearer at-from-callback"));
        _tokens.Verify(t => t.GetAsync(It.IsAny<string>(), It.IsAny<CredentialKey>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task ReconnectAfterAuthorization_WithoutTokens_ReadsThemFromTheStore()
    {
        AppServer("remote", Remote() with { RequiresOAuth = true });
        _tokens.Setup(t => t.GetAsync("alice", It.Is<CredentialKey>(k => k.ServerId == ServerIds.ForAppServer("remote")), It.IsAny<CancellationToken>())).ReturnsAsync(
            new TokenSet("at-from-store", "rt", "Bearer", DateTimeOffset.UtcNow.AddHours(1), null, "https://auth", "https://auth/token", "client", "none", "https://mcp.example.com/mcp", null, 4));

        var connected = await _service.ReconnectAfterAuthorizationAsync("alice", "remote", null, None);

        Assert.That(connected, Is.True);
        Assert.That(_opened.Single().Target.Headers["Authorization"], Is.EqualTo("Bearer at-from-store"));
    }

    [Test]
    public async Task ReconnectAfterAuthorization_ReplacesTheSessionOpenedWithOlderTokens_AndCachesTheNewTools()
    {
        AppServer("remote", Remote() with { RequiresOAuth = true });
        await _service.ReconnectAfterAuthorizationAsync("alice", "remote", AccessToken("at-old", 4), None);
        await _cache.SetAsync("remote", "alice", [Tool("listed_with_old_tokens")], None);

        var connected = await _service.ReconnectAfterAuthorizationAsync("alice", "remote", AccessToken("at-new", 5), None);

        Assert.That(connected, Is.True);
        Assert.That(_opened.Select(o => o.Target.Headers["Authorization"]), Is.EqualTo(new[] { "Bearer at-old", "Bearer at-new" }));
        Assert.That(_opened.First().Session.DisposeCount, Is.EqualTo(1));
        Assert.That((await _cache.GetAsync("remote", "alice", None))!.Select(t => t.Name), Is.EqualTo(new[] { "remote_tool" }));
    }

    [Test]
    public async Task ReconnectAfterAuthorization_ThatFails_ForgetsTheToolsOfThePreviousAuthorization()
    {
        AppServer("remote", Remote() with { RequiresOAuth = true });
        await _cache.SetAsync("remote", "alice", [Tool("listed_with_old_tokens")], None);
        ConnectorThrows(UpstreamErrors.Unreachable, "connection refused");

        var connected = await _service.ReconnectAfterAuthorizationAsync("alice", "remote", AccessToken("at-new", 5), None);

        Assert.That(connected, Is.False);
        Assert.That(await _cache.GetAsync("remote", "alice", None), Is.Null);
    }

    private static TokenSet AccessToken(string accessToken, long version) =>
        new(accessToken, "rt", "Bearer", DateTimeOffset.UtcNow.AddHours(1), null, "https://auth", "https://auth/token", "client", "none", "https://mcp.example.com/mcp", null, version);

    [Test]
    public async Task Status_OAuthServerWithAPendingFlow_IsConnecting()
    {
        AppServer("remote", Remote() with { RequiresOAuth = true });
        _flows.Setup(f => f.GetAsync("alice:remote", It.IsAny<CancellationToken>())).ReturnsAsync(new OAuthFlow(
            "alice:remote", "state", "alice", "remote", new CredentialKey(ServerIds.ForAppServer("remote"), "binding"), FlowStatus.Pending, "verifier", "https://auth/authorize", "https://platform/cb",
            "https://mcp.example.com/mcp", "https://auth", "https://auth/token", "client", "none", null, null, T0));

        var status = await _service.StatusAsync(Alice, "remote", None);

        Assert.That(status.Value.State, Is.EqualTo(ConnectionState.Connecting));
        Assert.That(status.Value.RequiresOAuth, Is.True);
    }

    /// <summary>The connection use cases under test, called as one.</summary>
    private sealed record ConnectionServices(ReinitializeService Reinitialize, ToolCallService Calls, ConnectionStatusService Status)
    {
        public Task<Result<ReinitializeOutcome>> ReinitializeAsync(Caller caller, string name, CancellationToken ct) => Reinitialize.ReinitializeAsync(caller, name, ct);

        public Task<bool> ReconnectAfterAuthorizationAsync(string userId, string serverName, TokenSet? stored, CancellationToken ct) =>
            Reinitialize.ReconnectAfterAuthorizationAsync(userId, serverName, stored, ct);

        public Task<Result<ToolCallResult>> CallToolAsync(Caller caller, string name, string toolName, JsonElement? arguments, CancellationToken ct) =>
            Calls.CallToolAsync(caller, name, toolName, arguments, ct);

        public Task<Result<ServerStatus>> StatusAsync(Caller caller, string name, CancellationToken ct) => Status.StatusAsync(caller, name, ct);
    }
}
