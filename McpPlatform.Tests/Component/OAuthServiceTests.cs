using System.Collections.Specialized;
using System.Web;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Infrastructure.FlowState;
using McpPlatform.Infrastructure.Mcp.Sessions;
using McpPlatform.Tests.Fixtures;
using Moq;
using static McpPlatform.Domain.Tests.ConnectionTestKit;

namespace McpPlatform.Tests.Component;

/// <summary>Starting and completing authorization flows: the authorization URL, client registration order, step-up
/// limit, the callback's checks, and the flow routes — over a real in-memory flow store and a hand-driven clock (the
/// OAuth use cases: flow start, callback, flow queries, disconnect).</summary>
public sealed class OAuthServiceTests
{
    private const string Issuer = "https://auth.example.com";
    private const string Resource = "https://mcp.example.com/mcp";
    private const string RedirectUri = "https://platform.example.com/api/mcp/remote/oauth/callback";
    private static readonly Caller Alice = new("alice", SystemRoles.User, []);
    private static readonly Caller Bob = new("bob", SystemRoles.User, []);
    private static readonly CancellationToken None = CancellationToken.None;

    private Clock _clock = null!;
    private OAuthOptions _options = null!;
    private MemoryFlowStore _flows = null!;
    private Mock<IOAuthClient> _client = null!;
    private Mock<ITokenStore> _tokens = null!;
    private Mock<IMcpConnector> _connector = null!;
    private McpSessionPool _pool = null!;
    private MemoryRevisionedCache _snapshots = null!;
    private Mock<IBrowserBinding> _browsers = null!;
    private OAuthUseCases _service = null!;

    /// <summary>The server every flow here is for, as the repository holds it (the callback resolves it by name).</summary>
    private static readonly McpServer Remote = new(Guid.CreateVersion7(), "remote", new McpServerConfig { Type = "streamable-http", Url = "https://mcp.example.com/mcp", RequiresOAuth = true }, "alice", T0, T0, 1);

    /// <summary>The browser that started the caller's flow: it holds the proof issued for it.</summary>
    private static Func<string, string?> BrowserOf(string userId) => serverName => "bound:" + OAuthFlow.IdFor(userId, serverName);

    private static readonly Func<string, string?> AliceBrowser = BrowserOf("alice");

    [SetUp]
    public void SetUp()
    {
        _clock = new Clock();
        _options = new OAuthOptions { PublicBaseUrl = "https://platform.example.com/", FlowTtl = TimeSpan.FromMinutes(10), MaxStepUpAttempts = 3 };
        _flows = new MemoryFlowStore(_options, _clock);
        _client = new Mock<IOAuthClient>();
        _client.Setup(c => c.DiscoverAsync(It.IsAny<Uri>(), It.IsAny<WwwAuthenticateChallenge?>(), It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Discovery());
        _client.Setup(c => c.RegisterAsync(It.IsAny<OAuthDiscovery>(), It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ClientRegistration("dcr-client", "dcr-secret", "client_secret_basic"));
        _tokens = new Mock<ITokenStore>();
        _tokens.Setup(t => t.SaveAsync(It.IsAny<string>(), It.IsAny<CredentialKey>(), It.IsAny<TokenSet>(), It.IsAny<long?>(), It.IsAny<CancellationToken>())).ReturnsAsync(1L);
        _tokens.Setup(t => t.SaveRegistrationAsync(It.IsAny<CredentialKey>(), It.IsAny<string>(), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((CredentialKey _, string _, ClientRegistration registration, CancellationToken _) => registration);

        var repo = new Mock<IServerQueries>();
        repo.Setup(r => r.FindSharedAsync("remote", new McpRegistryOptions().MaxKeptGrants, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new SharedServer(Remote, [], Complete: true));
        _browsers = new Mock<IBrowserBinding>();
        _browsers.Setup(b => b.Issue(It.IsAny<string>(), It.IsAny<DateTimeOffset>())).Returns((string flowId, DateTimeOffset _) => "bound:" + flowId);
        _browsers.Setup(b => b.Verify(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<DateTimeOffset>())).Returns((string flowId, string? proof, DateTimeOffset _) => proof == "bound:" + flowId);
        var catalog = new Mock<IAppServerCatalog>();
        catalog.Setup(c => c.All).Returns([]);
        _snapshots = new MemoryRevisionedCache(Microsoft.Extensions.Options.Options.Create(new RegistryCacheOptions()));
        var snapshots = new RegistrySnapshots(new CountingChangeRevisions(), _snapshots);
        var registry = new ServerRegistryService(repo.Object, new Mock<IServerRepository>().Object, catalog.Object, snapshots, new McpRegistryOptions());
        _connector = new Mock<IMcpConnector>();
        _pool = new McpSessionPool(_connector.Object, new ToolCatalogWriter(new MemoryToolCache(new MemoryCatalogRevisions())), _clock, new ConnectionOptions());
        var registrations = new OAuthClientRegistrations(_client.Object, _tokens.Object, snapshots, _options);
        _service = new OAuthUseCases(
            new OAuthFlowStarter(_flows, _client.Object, registrations, _browsers.Object, _options, _clock),
            new OAuthCallbackHandler(registry, _flows, _client.Object, _tokens.Object, _browsers.Object, registrations, _options, _clock),
            new OAuthFlowQueries(_flows, _tokens.Object, _options, _clock),
            new OAuthDisconnect(_flows, _client.Object, _tokens.Object, registrations, _pool));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _pool.DisposeAsync();
        _snapshots.Dispose();
    }

    private static OAuthDiscovery Discovery(string? registrationEndpoint = "https://auth.example.com/register", IReadOnlyList<string>? challengeMethods = null, bool cimd = false, string? scope = "discovered") =>
        new(Resource, Issuer, "https://auth.example.com/authorize", "https://auth.example.com/token", registrationEndpoint, "https://auth.example.com/revoke",
            ["client_secret_basic", "client_secret_post"], challengeMethods ?? ["S256"], cimd, scope);

    private void DiscoveryIs(OAuthDiscovery discovery) =>
        _client.Setup(c => c.DiscoverAsync(It.IsAny<Uri>(), It.IsAny<WwwAuthenticateChallenge?>(), It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(discovery);

    private static UsableServer Server(OAuthSettings? oauth = null, string? url = "https://mcp.example.com/mcp") =>
        UsableServer.Of(Remote) with { Config = Remote.Config with { Url = url, OAuth = oauth } };

    private static NameValueCollection Query(string url) => HttpUtility.ParseQueryString(new Uri(url).Query);

    private Task<OAuthFlow?> StoredFlowAsync(string userId = "alice") => _flows.GetAsync(OAuthFlow.IdFor(userId, "remote"), None);

    private async Task<OAuthFlow> SaveFlowAsync(FlowStatus status = FlowStatus.Pending, DateTimeOffset? createdAt = null, string state = "the-state", string userId = "alice")
    {
        var flow = new OAuthFlow(OAuthFlow.IdFor(userId, "remote"), state, userId, "remote", UsableServer.Of(Remote).Credentials, status, "the-verifier", "https://auth.example.com/authorize?x=1",
            RedirectUri, Resource, Issuer, "https://auth.example.com/token", "flow-client", "client_secret_post", "read", null, createdAt ?? _clock.GetUtcNow());
        await _flows.SaveAsync(flow, None);
        return flow;
    }

    private void ExchangeReturns(TokenResponse response) =>
        _client.Setup(c => c.ExchangeCodeAsync(It.IsAny<OAuthFlow>(), It.IsAny<ClientRegistration>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(response);

    private void VerifyNoExchange() =>
        _client.Verify(c => c.ExchangeCodeAsync(It.IsAny<OAuthFlow>(), It.IsAny<ClientRegistration>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);

    private void VerifyTokensSaved(int times) =>
        _tokens.Verify(t => t.SaveAsync(It.IsAny<string>(), It.IsAny<CredentialKey>(), It.IsAny<TokenSet>(), It.IsAny<long?>(), It.IsAny<CancellationToken>()), Times.Exactly(times));

    private void VerifyRegistered(int times) =>
        _client.Verify(c => c.RegisterAsync(It.IsAny<OAuthDiscovery>(), It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Exactly(times));

    // ---- the authorization URL ------------------------------------------------------------------------------------

    [Test]
    public async Task AuthorizationUrl_CarriesEveryParameter_AndTheFlowIsStored()
    {
        var result = await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Message);
        var url = result.Value;
        var query = Query(url);
        var flow = await StoredFlowAsync();
        Assert.That(flow, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(url, Does.StartWith("https://auth.example.com/authorize?"));
            Assert.That(query["response_type"], Is.EqualTo("code"));
            Assert.That(query["client_id"], Is.EqualTo("dcr-client"));
            Assert.That(query["redirect_uri"], Is.EqualTo(RedirectUri));
            Assert.That(query["code_challenge"], Is.EqualTo(Pkce.Challenge(flow!.CodeVerifier)));
            Assert.That(query["code_challenge_method"], Is.EqualTo("S256"));
            Assert.That(query["state"], Is.EqualTo(flow.State));
            Assert.That(query["resource"], Is.EqualTo(Resource));
            Assert.That(query["scope"], Is.EqualTo("discovered"));
            Assert.That(flow.FlowId, Is.EqualTo("alice:remote"));
            Assert.That(flow.Status, Is.EqualTo(FlowStatus.Pending));
            Assert.That(flow.AuthorizationUrl, Is.EqualTo(url));
            Assert.That(flow.RedirectUri, Is.EqualTo(RedirectUri));
            Assert.That(flow.Issuer, Is.EqualTo(Issuer));
            Assert.That(flow.ClientId, Is.EqualTo("dcr-client"));
            Assert.That(flow.CreatedAt, Is.EqualTo(T0));
            Assert.That(flow.CodeVerifier, Has.Length.EqualTo(43));
            Assert.That(flow.State, Has.Length.GreaterThanOrEqualTo(43));
        }
    }

    [Test]
    public async Task AuthorizationUrl_KeepsAnExistingQueryOnTheAuthorizationEndpoint()
    {
        DiscoveryIs(Discovery() with { AuthorizationEndpoint = "https://auth.example.com/authorize?tenant=t1" });

        var url = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        Assert.That(url, Does.StartWith("https://auth.example.com/authorize?tenant=t1&response_type=code&"));
    }

    [Test]
    public async Task AuthorizationUrl_ScopeFromTheChallenge_WinsOverConfigAndDiscovery()
    {
        var challenge = new WwwAuthenticateChallenge(null, "from-challenge", null);

        var url = (await _service.AuthorizationUrlAsync(Alice, Server(new OAuthSettings { Scope = "from-config" }), challenge, null, None)).Value;

        Assert.That(Query(url)["scope"], Is.EqualTo("from-challenge"));
    }

    [Test]
    public async Task AuthorizationUrl_ScopeFromTheConfig_WinsOverDiscovery()
    {
        var url = (await _service.AuthorizationUrlAsync(Alice, Server(new OAuthSettings { Scope = "from-config" }), null, null, None)).Value;

        Assert.That(Query(url)["scope"], Is.EqualTo("from-config"));
    }

    [Test]
    public async Task AuthorizationUrl_WithoutAnyScope_HasNoScopeParameter()
    {
        DiscoveryIs(Discovery(scope: null));

        var url = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        Assert.That(Query(url).AllKeys, Does.Not.Contain("scope"));
    }

    [Test]
    public async Task AuthorizationUrl_PendingFlow_ReturnsTheSameUrlAndVerifier()
    {
        var first = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;
        var verifier = (await StoredFlowAsync())!.CodeVerifier;
        _clock.Advance(TimeSpan.FromMinutes(5));

        var second = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        Assert.That(second, Is.EqualTo(first));
        Assert.That((await StoredFlowAsync())!.CodeVerifier, Is.EqualTo(verifier));
    }

    [Test]
    public async Task AuthorizationUrl_FlowsArePerUser()
    {
        var alices = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        var bobs = (await _service.AuthorizationUrlAsync(Bob, Server(), null, null, None)).Value;

        Assert.That(bobs, Is.Not.EqualTo(alices));
        Assert.That((await StoredFlowAsync("bob"))!.UserId, Is.EqualTo("bob"));
    }

    [Test]
    public async Task AuthorizationUrl_AfterTheFlowTtl_StartsANewFlow_AndTheOldStateStopsWorking()
    {
        var first = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;
        _clock.Advance(TimeSpan.FromMinutes(11));   // past the TTL, still kept (twice the TTL) to show as expired

        var second = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Query(second)["state"], Is.Not.EqualTo(Query(first)["state"]));
            Assert.That((await StoredFlowAsync())!.State, Is.EqualTo(Query(second)["state"]));
            Assert.That(await _flows.ClaimByStateAsync(Query(first)["state"]!, None), Is.Null);
        }
    }

    [Test]
    public async Task AuthorizationUrl_CancelledFlow_StartsANewFlow_AndTheOldStateStopsWorking()
    {
        var first = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;
        await _service.CancelAsync(Alice, "remote", None);

        var second = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        Assert.That(Query(second)["state"], Is.Not.EqualTo(Query(first)["state"]));
        Assert.That(await _flows.ClaimByStateAsync(Query(first)["state"]!, None), Is.Null);
    }

    [Test]
    public async Task AuthorizationUrl_AuthorizationServerWithoutS256_IsRefused()
    {
        DiscoveryIs(Discovery(challengeMethods: ["plain"]));

        var result = await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None);

        Assert.That(result.IsSuccess, Is.False);
        Assert.That(result.Error!.ErrorText, Is.EqualTo("oauth_unsupported"));
        Assert.That(await StoredFlowAsync(), Is.Null);
        VerifyRegistered(0);
    }

    [Test]
    public async Task AuthorizationUrl_AuthorizationServerWithoutS256_IsAcceptedWithSkipCodeChallengeCheck()
    {
        DiscoveryIs(Discovery(challengeMethods: ["plain"]));

        var result = await _service.AuthorizationUrlAsync(Alice, Server(new OAuthSettings { SkipCodeChallengeCheck = true }), null, null, None);

        Assert.That(result.IsSuccess, Is.True);
        Assert.That(Query(result.Value)["code_challenge_method"], Is.EqualTo("S256"));
    }

    [Test]
    public async Task AuthorizationUrl_AuthorizationServerAdvertisingNoMethods_IsAccepted()
    {
        DiscoveryIs(Discovery(challengeMethods: []));

        Assert.That((await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).IsSuccess, Is.True);
    }

    [Test]
    public async Task AuthorizationUrl_ConfiguredEndpointsOnTheIssuersOrigins_OverrideDiscovery()
    {
        var oauth = new OAuthSettings { AuthorizationUrl = "https://auth.example.com/custom-auth", TokenUrl = "https://auth.example.com/custom-token", ClientId = "cfg" };

        var url = (await _service.AuthorizationUrlAsync(Alice, Server(oauth), null, null, None)).Value;

        Assert.That(url, Does.StartWith("https://auth.example.com/custom-auth?"));
        Assert.That((await StoredFlowAsync())!.TokenEndpoint, Is.EqualTo("https://auth.example.com/custom-token"));
    }

    [TestCase("https://evil.example.net/auth", "https://auth.example.com/token", "oauth.authorization_url")]
    [TestCase("https://auth.example.com/authorize", "https://evil.example.net/token", "oauth.token_url")]
    public async Task AuthorizationUrl_AConfiguredEndpointThatDisagreesWithTheIssuersMetadata_IsRefusedNamingIt_AndStoresNothing(string authorization, string token, string field)
    {
        var oauth = new OAuthSettings { AuthorizationUrl = authorization, TokenUrl = token, ClientId = "cfg" };

        var result = await _service.AuthorizationUrlAsync(Alice, Server(oauth), null, null, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("oauth_configuration_mismatch"));
            Assert.That(result.Error?.Errors?.Select(e => e.Path), Is.EqualTo(new[] { field }));
            Assert.That(await StoredFlowAsync(), Is.Null, "no flow is stored");
        }
    }

    [Test]
    public async Task AuthorizationUrl_WithoutMetadata_HandConfiguredEndpointsOnOneOriginAreTheSource_AndDiscoveredRegistrationElsewhereIsDropped()
    {
        DiscoveryIs(new OAuthDiscovery(Resource, "https://mcp.example.com", "https://mcp.example.com/authorize", "https://mcp.example.com/token", "https://mcp.example.com/register",
            null, [], [], false, null, FromMetadata: false));
        var oauth = new OAuthSettings { AuthorizationUrl = "https://login.example.org/oauth/authorize", TokenUrl = "https://login.example.org/oauth/token" };

        var result = await _service.AuthorizationUrlAsync(Alice, Server(oauth), null, null, None);

        Assert.That(result.Error?.Message, Does.Contain("registration"), "the MCP server's own /register is not the hand-configured authorization server's");
        VerifyRegistered(0);
    }

    [Test]
    public async Task AuthorizationUrl_WithoutMetadata_HandConfiguredEndpointsOnTwoOrigins_AreRefused()
    {
        DiscoveryIs(new OAuthDiscovery(Resource, "https://login.example.org", "https://login.example.org/authorize", "https://login.example.org/token", null,
            null, [], [], false, null, FromMetadata: false));
        var oauth = new OAuthSettings { AuthorizationUrl = "https://login.example.org/authorize", TokenUrl = "https://evil.example.net/token", ClientId = "cfg" };

        var result = await _service.AuthorizationUrlAsync(Alice, Server(oauth), null, null, None);

        Assert.That(result.Error?.Errors?.Single().Path, Is.EqualTo("oauth.token_url"));
        Assert.That(await StoredFlowAsync(), Is.Null);
    }

    [Test]
    public async Task AuthorizationUrl_ServerWithoutUrl_IsAValidationError()
    {
        var result = await _service.AuthorizationUrlAsync(Alice, Server(url: null), null, null, None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
    }

    [Test]
    public async Task AuthorizationUrl_DiscoveryFailure_IsAnUpstreamError()
    {
        _client.Setup(c => c.DiscoverAsync(It.IsAny<Uri>(), It.IsAny<WwwAuthenticateChallenge?>(), It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OAuthErrors.Discovery("no metadata"));

        var result = await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.UpstreamFailed));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("oauth_discovery_failed"));
            Assert.That(result.Error?.Message, Is.EqualTo("no metadata"));
        }
    }

    // ---- client registration order --------------------------------------------------------------------------------

    [Test]
    public async Task Registration_ConfiguredClientId_IsUsedWithoutRegistering()
    {
        var url = (await _service.AuthorizationUrlAsync(Alice, Server(new OAuthSettings { ClientId = "cfg-client", ClientSecret = "cfg-secret" }), null, null, None)).Value;

        Assert.That(Query(url)["client_id"], Is.EqualTo("cfg-client"));
        Assert.That((await StoredFlowAsync())!.TokenAuthMethod, Is.EqualTo("client_secret_basic"));
        VerifyRegistered(0);
        _tokens.Verify(t => t.GetRegistrationAsync(It.IsAny<CredentialKey>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Registration_ConfiguredPublicClient_UsesNone()
    {
        await _service.AuthorizationUrlAsync(Alice, Server(new OAuthSettings { ClientId = "public-client" }), null, null, None);

        Assert.That((await StoredFlowAsync())!.TokenAuthMethod, Is.EqualTo("none"));
    }

    [Test]
    public async Task Registration_StoredRegistration_IsReusedWithoutRegistering()
    {
        _tokens.Setup(t => t.GetRegistrationAsync(It.Is<CredentialKey>(k => k.ServerId == Remote.Id), Issuer, It.IsAny<CancellationToken>())).ReturnsAsync(new ClientRegistration("stored-client", "s", "client_secret_post"));
        _options.ClientMetadataUrl = "https://platform.example.com/oauth/client-metadata.json";
        DiscoveryIs(Discovery(cimd: true));

        var url = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        Assert.That(Query(url)["client_id"], Is.EqualTo("stored-client"));
        Assert.That((await StoredFlowAsync())!.TokenAuthMethod, Is.EqualTo("client_secret_post"));
        VerifyRegistered(0);
    }

    [Test]
    public async Task Registration_UserManagedServers_RegisterDynamically_EvenWhenCimdIsAvailable()
    {
        _options.ClientMetadataUrl = "https://platform.example.com/oauth/client-metadata.json";
        DiscoveryIs(Discovery(cimd: true));

        var url = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        Assert.That(Query(url)["client_id"], Is.Not.EqualTo("https://platform.example.com/oauth/client-metadata.json"), "its callback is not in the document");
        VerifyRegistered(1);
    }

    [Test]
    public async Task Registration_ClientIdMetadataDocument_ForAppLevelServers_WhenSupportedAndConfigured()
    {
        _options.ClientMetadataUrl = "https://platform.example.com/oauth/client-metadata.json";
        DiscoveryIs(Discovery(cimd: true));

        var url = (await _service.AuthorizationUrlAsync(Alice, Server() with { Source = ServerSource.App }, null, null, None)).Value;

        Assert.That(Query(url)["client_id"], Is.EqualTo("https://platform.example.com/oauth/client-metadata.json"));
        Assert.That((await StoredFlowAsync())!.TokenAuthMethod, Is.EqualTo("none"));
        VerifyRegistered(0);
        _tokens.Verify(t => t.SaveRegistrationAsync(It.IsAny<CredentialKey>(), It.IsAny<string>(), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Registration_ClientIdMetadataDocumentSupportedButNotConfigured_FallsBackToDynamicRegistration()
    {
        DiscoveryIs(Discovery(cimd: true));

        var url = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        Assert.That(Query(url)["client_id"], Is.EqualTo("dcr-client"));
        VerifyRegistered(1);
    }

    [Test]
    public async Task Registration_DynamicRegistration_IsCalledAndSaved()
    {
        var url = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        Assert.That(Query(url)["client_id"], Is.EqualTo("dcr-client"));
        _client.Verify(c => c.RegisterAsync(It.Is<OAuthDiscovery>(d => d.Issuer == Issuer), RedirectUri, "discovered", It.IsAny<CancellationToken>()), Times.Once);
        _tokens.Verify(t => t.SaveRegistrationAsync(It.Is<CredentialKey>(k => k.ServerId == Remote.Id), Issuer, new ClientRegistration("dcr-client", "dcr-secret", "client_secret_basic"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Registration_WhenAConcurrentFlowStoredOneFirst_TheStoredOneIsUsed()
    {
        _tokens.Setup(t => t.SaveRegistrationAsync(It.Is<CredentialKey>(k => k.ServerId == Remote.Id), Issuer, It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ClientRegistration("first-client", "first-secret", "client_secret_basic"));

        var url = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        Assert.That(Query(url)["client_id"], Is.EqualTo("first-client"), "the flow presents the client the store holds, not its own late registration");
    }

    [Test]
    public async Task Registration_NoEndpointAndNothingConfigured_IsAnError()
    {
        DiscoveryIs(Discovery(registrationEndpoint: null));

        var result = await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None);

        Assert.That(result.IsSuccess, Is.False);
        Assert.That(result.Error!.Kind, Is.EqualTo(ErrorKind.UpstreamFailed));
        Assert.That(await StoredFlowAsync(), Is.Null);
        VerifyRegistered(0);
    }

    // ---- step-up --------------------------------------------------------------------------------------------------

    [Test]
    public async Task StepUp_AddsTheExtraScope()
    {
        var url = (await _service.AuthorizationUrlAsync(Alice, Server(), null, "write", None)).Value;

        Assert.That(Query(url)["scope"], Is.EqualTo("discovered write"));
    }

    [Test]
    public async Task StepUp_ReplacesAPendingFlow()
    {
        var first = (await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).Value;

        var second = (await _service.AuthorizationUrlAsync(Alice, Server(), null, "write", None)).Value;

        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public async Task StepUp_TheFourthWithinTheFlowTtl_IsRefused()
    {
        for (var i = 1; i <= 3; i++)
        {
            var allowed = await _service.AuthorizationUrlAsync(Alice, Server(), null, "write", None);
            Assert.That(allowed.IsSuccess, Is.True, $"step-up {i}");
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        var refused = await _service.AuthorizationUrlAsync(Alice, Server(), null, "write", None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.IsSuccess, Is.False);
            Assert.That(refused.Error!.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(refused.Error.ErrorText, Is.EqualTo("oauth_step_up_limit"));
        }

        _client.Verify(c => c.DiscoverAsync(It.IsAny<Uri>(), It.IsAny<WwwAuthenticateChallenge?>(), It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
    }

    [Test]
    public async Task StepUp_CountStartsOverOnceTheLastFlowIsOlderThanTheTtl()
    {
        for (var i = 0; i < 3; i++)
        {
            await _service.AuthorizationUrlAsync(Alice, Server(), null, "write", None);
        }

        _clock.Advance(TimeSpan.FromMinutes(11));

        Assert.That((await _service.AuthorizationUrlAsync(Alice, Server(), null, "write", None)).IsSuccess, Is.True);
    }

    [Test]
    public async Task StepUp_LimitDoesNotApplyToPlainAuthorization()
    {
        for (var i = 0; i < 3; i++)
        {
            await _service.AuthorizationUrlAsync(Alice, Server(), null, "write", None);
        }

        Assert.That((await _service.AuthorizationUrlAsync(Alice, Server(), null, null, None)).IsSuccess, Is.True);
    }

    [Test]
    public async Task StepUp_AfterAPlainAuthorization_AllowsMaxStepUpAttemptsStepUps()
    {
        await SaveFlowAsync(FlowStatus.Pending);
        var state = (await StoredFlowAsync())!.State;
        ExchangeReturns(new TokenResponse("at", "rt", "Bearer", 3600, "discovered"));
        await _service.HandleCallbackAsync(state, "code", null, null, AliceBrowser, None); // the user authorized once, plainly

        for (var i = 1; i <= 3; i++)
        {
            var stepUp = await _service.AuthorizationUrlAsync(Alice, Server(), null, "write", None);
            Assert.That(stepUp.IsSuccess, Is.True, $"step-up {i} of {_options.MaxStepUpAttempts}: {stepUp.Error?.Message}");
        }
    }

    // ---- the callback ---------------------------------------------------------------------------------------------

    [Test]
    public async Task Callback_UnknownState_IsInvalidState()
    {
        var outcome = await _service.HandleCallbackAsync("no-such-state", "code", null, null, AliceBrowser, None);

        Assert.That(outcome, Is.EqualTo(new CallbackOutcome(false, null, "invalid_state")));
        VerifyNoExchange();
    }

    [TestCase(null)]
    [TestCase("")]
    public async Task Callback_MissingState_IsMissingState(string? state)
    {
        var outcome = await _service.HandleCallbackAsync(state, "code", null, null, AliceBrowser, None);

        Assert.That(outcome, Is.EqualTo(new CallbackOutcome(false, null, "missing_state")));
    }

    [Test]
    public async Task Callback_ProviderErrorWithUnknownState_ReportsThatErrorCode()
    {
        var outcome = await _service.HandleCallbackAsync("no-such-state", null, "access_denied", null, AliceBrowser, None);

        Assert.That(outcome, Is.EqualTo(new CallbackOutcome(false, null, "access_denied")));
    }

    [Test]
    public async Task Callback_ProviderErrorWithoutState_ReportsThatErrorCode()
    {
        var outcome = await _service.HandleCallbackAsync(null, null, "temporarily_unavailable", null, AliceBrowser, None);

        Assert.That(outcome.Error, Is.EqualTo("temporarily_unavailable"));
    }

    [TestCase("<script>alert(1)</script>")]
    [TestCase("access denied")]
    [TestCase("a\"b")]
    public async Task Callback_UnsafeProviderError_IsCallbackFailed(string error)
    {
        var unknown = await _service.HandleCallbackAsync("no-such-state", null, error, null, AliceBrowser, None);
        var flow = await SaveFlowAsync();
        var known = await _service.HandleCallbackAsync(flow.State, null, error, null, AliceBrowser, None);

        Assert.That(unknown.Error, Is.EqualTo("callback_failed"));
        Assert.That(known, Is.EqualTo(new CallbackOutcome(false, "remote", "callback_failed")));
    }

    [Test]
    public async Task Callback_OverlongProviderError_IsCallbackFailed() =>
        Assert.That((await _service.HandleCallbackAsync(null, null, new string('a', 65), null, AliceBrowser, None)).Error, Is.EqualTo("callback_failed"));

    [Test]
    public async Task Callback_ProviderErrorForAKnownFlow_FailsTheFlow()
    {
        var flow = await SaveFlowAsync();

        var outcome = await _service.HandleCallbackAsync(flow.State, null, "access_denied", Issuer, AliceBrowser, None);

        Assert.That(outcome, Is.EqualTo(new CallbackOutcome(false, "remote", "access_denied")));
        var stored = await StoredFlowAsync();
        Assert.That(stored!.Status, Is.EqualTo(FlowStatus.Failed));
        Assert.That(stored.Error, Is.EqualTo("access_denied"));
        VerifyNoExchange();
    }

    [Test]
    public async Task Callback_ProviderErrorWhileAnotherDeliveryHoldsTheFlow_LeavesTheFlowToIt()
    {
        var flow = await SaveFlowAsync();
        await _flows.ClaimByStateAsync(flow.State, None);   // another delivery is exchanging the code

        var outcome = await _service.HandleCallbackAsync(flow.State, null, "access_denied", Issuer, AliceBrowser, None);

        Assert.That(outcome.Error, Is.EqualTo("access_denied"));
        Assert.That((await StoredFlowAsync())!.Status, Is.EqualTo(FlowStatus.Exchanging));
        VerifyNoExchange();
    }

    [Test]
    public async Task Callback_KnownStateWithoutCode_IsMissingCode()
    {
        var flow = await SaveFlowAsync();

        var outcome = await _service.HandleCallbackAsync(flow.State, null, null, null, AliceBrowser, None);

        Assert.That(outcome.Error, Is.EqualTo("missing_code"));
        Assert.That((await StoredFlowAsync())!.Status, Is.EqualTo(FlowStatus.Failed));
    }

    [Test]
    public async Task Callback_IssuerMismatch_FailsBeforeAnyExchange()
    {
        var flow = await SaveFlowAsync();

        var outcome = await _service.HandleCallbackAsync(flow.State, "code", null, "https://evil.example.com", AliceBrowser, None);

        Assert.That(outcome, Is.EqualTo(new CallbackOutcome(false, "remote", "iss_mismatch")));
        VerifyNoExchange();
        VerifyTokensSaved(0);
        var stored = await StoredFlowAsync();
        Assert.That(stored!.Status, Is.EqualTo(FlowStatus.Failed));
        Assert.That(stored.Error, Is.EqualTo("iss_mismatch"));
    }

    [TestCase("https://auth.example.com/")]
    [TestCase(null)]
    public async Task Callback_MatchingOrAbsentIssuer_IsAccepted(string? iss)
    {
        var flow = await SaveFlowAsync();
        ExchangeReturns(new TokenResponse("at", null, "Bearer", null, null));

        var outcome = await _service.HandleCallbackAsync(flow.State, "code", null, iss, AliceBrowser, None);

        Assert.That(outcome.Success, Is.True);
    }

    [Test]
    public async Task Callback_CompletedFlow_IsSuccessWithoutAnotherExchange()
    {
        var flow = await SaveFlowAsync(FlowStatus.Completed);

        var outcome = await _service.HandleCallbackAsync(flow.State, "code", null, null, AliceBrowser, None);

        Assert.That(outcome, Is.EqualTo(new CallbackOutcome(true, "remote", null, "alice")));
        VerifyNoExchange();
        VerifyTokensSaved(0);
    }

    [Test]
    public async Task Callback_ExchangeFailure_IsCallbackFailed_SavesNoTokens_AndFailsTheFlow()
    {
        var flow = await SaveFlowAsync();
        _client.Setup(c => c.ExchangeCodeAsync(It.IsAny<OAuthFlow>(), It.IsAny<ClientRegistration>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OAuthErrors.InvalidGrant("The token request failed (HTTP 400: invalid_grant)"));

        var outcome = await _service.HandleCallbackAsync(flow.State, "code", null, Issuer, AliceBrowser, None);

        Assert.That(outcome, Is.EqualTo(new CallbackOutcome(false, "remote", "callback_failed")));
        VerifyTokensSaved(0);
        var stored = await StoredFlowAsync();
        Assert.That(stored!.Status, Is.EqualTo(FlowStatus.Failed));
        Assert.That(stored.Error, Is.EqualTo("The token request failed (HTTP 400: invalid_grant)"));
    }

    [Test]
    public async Task Callback_Success_ExchangesOnce_SavesTheTokens_ThenCompletesTheFlow_AndHandsThemOnWithTheirVersion()
    {
        var flow = await SaveFlowAsync();
        ExchangeReturns(new TokenResponse("at-1", "rt-1", "", 3600, "read"));
        FlowStatus? statusWhenSaved = null;
        TokenSet? saved = null;
        _tokens.Setup(t => t.SaveAsync("alice", It.Is<CredentialKey>(k => k.ServerId == Remote.Id), It.IsAny<TokenSet>(), null, It.IsAny<CancellationToken>()))
            .Returns(async (string _, CredentialKey _, TokenSet tokens, long? _, CancellationToken _) =>
            {
                saved = tokens;
                statusWhenSaved = (await StoredFlowAsync())?.Status;
                return 7L;
            });

        var outcome = await _service.HandleCallbackAsync(flow.State, "the-code", null, Issuer, AliceBrowser, None);

        Assert.That(outcome, Is.EqualTo(new CallbackOutcome(true, "remote", null, "alice", saved! with { Version = 7 })), "the reconnect uses these instead of reading them back");
        _client.Verify(c => c.ExchangeCodeAsync(It.Is<OAuthFlow>(f => f.State == flow.State && f.CodeVerifier == "the-verifier"), It.IsAny<ClientRegistration>(), "the-code", It.IsAny<CancellationToken>()), Times.Once);
        VerifyTokensSaved(1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(statusWhenSaved, Is.EqualTo(FlowStatus.Exchanging), "tokens are saved before the flow completes");
            Assert.That((await StoredFlowAsync())!.Status, Is.EqualTo(FlowStatus.Completed));
            Assert.That(saved!.AccessToken, Is.EqualTo("at-1"));
            Assert.That(saved.RefreshToken, Is.EqualTo("rt-1"));
            Assert.That(saved.TokenType, Is.EqualTo("Bearer"), "an empty token_type defaults to Bearer");
            Assert.That(saved.Issuer, Is.EqualTo(Issuer));
            Assert.That(saved.ClientId, Is.EqualTo("flow-client"));
            Assert.That(saved.Resource, Is.EqualTo(Resource));
            Assert.That(saved.ExpiresAt, Is.Not.Null);
        }
    }

    [Test]
    public async Task Callback_SecondDelivery_SeesTheOutcome_WithoutASecondExchange()
    {
        var flow = await SaveFlowAsync();
        ExchangeReturns(new TokenResponse("at", null, "Bearer", null, null));
        await _service.HandleCallbackAsync(flow.State, "code", null, null, AliceBrowser, None);

        var again = await _service.HandleCallbackAsync(flow.State, "code", null, null, AliceBrowser, None);

        Assert.That(again.Success, Is.True);
        _client.Verify(c => c.ExchangeCodeAsync(It.IsAny<OAuthFlow>(), It.IsAny<ClientRegistration>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Callback_UsesTheStoredRegistrationsSecret_WhenItIsTheFlowsClient()
    {
        var flow = await SaveFlowAsync();
        _tokens.Setup(t => t.GetRegistrationAsync(It.Is<CredentialKey>(k => k.ServerId == Remote.Id), Issuer, It.IsAny<CancellationToken>())).ReturnsAsync(new ClientRegistration("flow-client", "stored-secret", "client_secret_basic"));
        ExchangeReturns(new TokenResponse("at", null, "Bearer", null, null));

        await _service.HandleCallbackAsync(flow.State, "code", null, null, AliceBrowser, None);

        _client.Verify(c => c.ExchangeCodeAsync(It.IsAny<OAuthFlow>(), new ClientRegistration("flow-client", "stored-secret", "client_secret_post"), "code", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Callback_StateOfAReplacedFlow_IsInvalid()
    {
        var old = await SaveFlowAsync(state: "old-state");
        await SaveFlowAsync(state: "new-state");

        var outcome = await _service.HandleCallbackAsync(old.State, "code", null, null, AliceBrowser, None);

        Assert.That(outcome.Error, Is.EqualTo("invalid_state"));
        VerifyNoExchange();
    }

    // ---- flow routes ----------------------------------------------------------------------------------------------

    [Test]
    public async Task Status_OfAForeignFlow_IsAccessDenied()
    {
        await SaveFlowAsync(userId: "bob");

        var result = await _service.StatusAsync(Alice, "bob:remote", None);

        Assert.That(result.Error, Is.EqualTo(OAuthFlowQueries.AccessDenied));
        Assert.That(result.Error!.ErrorText, Is.EqualTo("Access denied"));
    }

    [Test]
    public async Task TokenInfo_OfAForeignFlow_IsAccessDenied()
    {
        await SaveFlowAsync(FlowStatus.Completed, userId: "bob");

        var result = await _service.TokenInfoAsync(Alice, "bob:remote", None);

        Assert.That(result.Error, Is.EqualTo(OAuthFlowQueries.AccessDenied));
        _tokens.Verify(t => t.GetAsync(It.IsAny<string>(), It.IsAny<CredentialKey>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Status_UserIdThatIsAPrefix_IsAccessDenied()
    {
        var ali = new Caller("ali", SystemRoles.User, []);

        Assert.That((await _service.StatusAsync(ali, "alice:remote", None)).Error, Is.EqualTo(OAuthFlowQueries.AccessDenied));
    }

    [Test]
    public async Task Status_FlowOfAUserWhoseIdExtendsTheCallersWithAColon_IsAccessDenied()
    {
        await SaveFlowAsync(FlowStatus.Completed, userId: "alice:other");
        _tokens.Setup(t => t.GetAsync("alice:other", It.Is<CredentialKey>(k => k.ServerId == Remote.Id), It.IsAny<CancellationToken>())).ReturnsAsync(
            new TokenSet("at", "rt", "Bearer", T0.AddHours(1), "admin", Issuer, "https://auth.example.com/token", "c", "none", Resource, null));

        var status = await _service.StatusAsync(Alice, "alice:other:remote", None);
        var tokenInfo = await _service.TokenInfoAsync(Alice, "alice:other:remote", None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status.IsSuccess, Is.False, "the flow belongs to user 'alice:other'");
            Assert.That(tokenInfo.IsSuccess, Is.False, "the tokens belong to user 'alice:other'");
        }
    }

    [Test]
    public async Task Status_OwnFlows()
    {
        Assert.That((await _service.StatusAsync(Alice, "alice:remote", None)).Error, Is.EqualTo(OAuthFlowQueries.FlowNotFound));

        await SaveFlowAsync();
        var pending = (await _service.StatusAsync(Alice, "alice:remote", None)).Value;
        Assert.That(pending, Is.EqualTo(new FlowStatusView("PENDING", false, false, null)));

        await _flows.TryTransitionAsync("alice:remote", FlowStatus.Pending, FlowStatus.Completed, null, None);
        var completed = (await _service.StatusAsync(Alice, "alice:remote", None)).Value;
        Assert.That(completed, Is.EqualTo(new FlowStatusView("COMPLETED", true, false, null)));
    }

    [Test]
    public async Task Status_PendingFlowOlderThanTheTtl_IsFailedExpired()
    {
        await SaveFlowAsync(createdAt: T0.AddMinutes(-11));

        var view = (await _service.StatusAsync(Alice, "alice:remote", None)).Value;

        Assert.That(view, Is.EqualTo(new FlowStatusView("FAILED", false, true, "Flow expired")));
    }

    [Test]
    public async Task TokenInfo_OfACompletedFlow_DescribesTheTokensWithoutValues()
    {
        await SaveFlowAsync(FlowStatus.Completed);
        var expires = T0.AddHours(1);
        _tokens.Setup(t => t.GetAsync("alice", It.Is<CredentialKey>(k => k.ServerId == Remote.Id), It.IsAny<CancellationToken>())).ReturnsAsync(
            new TokenSet("at", "rt", "Bearer", expires, "read", Issuer, "https://auth.example.com/token", "c", "none", Resource, null));

        var info = await _service.TokenInfoAsync(Alice, "alice:remote", None);

        Assert.That(info.Value, Is.EqualTo(new TokenInfo("Bearer", expires, "read", true)));
    }

    [Test]
    public async Task TokenInfo_OfAPendingFlow_IsAValidationError()
    {
        await SaveFlowAsync();

        Assert.That((await _service.TokenInfoAsync(Alice, "alice:remote", None)).Error?.Kind, Is.EqualTo(ErrorKind.Validation));
    }

    [Test]
    public async Task Cancel_PendingFlow_UsesLibreChatsMessage_AndMarksItCancelled()
    {
        await SaveFlowAsync();

        var message = await _service.CancelAsync(Alice, "remote", None);

        Assert.That(message, Is.EqualTo("OAuth flow for remote cancelled successfully"));
        var stored = await StoredFlowAsync();
        Assert.That(stored!.Cancelled, Is.True);
        Assert.That(stored.Status, Is.EqualTo(FlowStatus.Failed));
    }

    [Test]
    public async Task Cancel_NoFlow_UsesLibreChatsMessage() =>
        Assert.That(await _service.CancelAsync(Alice, "remote", None), Is.EqualTo("No active OAuth flow to cancel"));

    [Test]
    public async Task Cancel_CompletedFlow_HasNothingToCancel()
    {
        await SaveFlowAsync(FlowStatus.Completed);

        Assert.That(await _service.CancelAsync(Alice, "remote", None), Is.EqualTo("No active OAuth flow to cancel"));
        Assert.That((await StoredFlowAsync())!.Status, Is.EqualTo(FlowStatus.Completed));
    }

    [Test]
    public async Task Cancel_AnotherUsersFlow_IsNotTouched()
    {
        await SaveFlowAsync(userId: "bob");

        Assert.That(await _service.CancelAsync(Alice, "remote", None), Is.EqualTo("No active OAuth flow to cancel"));
        Assert.That((await StoredFlowAsync("bob"))!.Status, Is.EqualTo(FlowStatus.Pending));
    }

    // ---- flow state for connection status -------------------------------------------------------------------------

    [Test]
    public async Task FlowState_NoFlow_IsNeither() =>
        Assert.That(await _service.FlowStateAsync("alice", "remote", None), Is.EqualTo((false, false)));

    [Test]
    public async Task FlowState_Cancelled_IsNeither()
    {
        await SaveFlowAsync();
        await _service.CancelAsync(Alice, "remote", None);

        Assert.That(await _service.FlowStateAsync("alice", "remote", None), Is.EqualTo((false, false)));
    }

    [Test]
    public async Task FlowState_Failed_IsFailed()
    {
        await SaveFlowAsync(FlowStatus.Failed);

        Assert.That(await _service.FlowStateAsync("alice", "remote", None), Is.EqualTo((false, true)));
    }

    [Test]
    public async Task FlowState_PendingWithinTheTtl_IsActive()
    {
        await SaveFlowAsync();
        _clock.Advance(TimeSpan.FromMinutes(9));

        Assert.That(await _service.FlowStateAsync("alice", "remote", None), Is.EqualTo((true, false)));
    }

    [Test]
    public async Task FlowState_ExchangingWithinTheTtl_IsActive()
    {
        await SaveFlowAsync(FlowStatus.Exchanging);

        Assert.That(await _service.FlowStateAsync("alice", "remote", None), Is.EqualTo((true, false)));
    }

    [Test]
    public async Task FlowState_PendingOlderThanTheTtl_IsFailed()
    {
        await SaveFlowAsync(createdAt: T0 - TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));

        Assert.That(await _service.FlowStateAsync("alice", "remote", None), Is.EqualTo((false, true)));
    }

    [Test]
    public async Task FlowState_Completed_IsNeither()
    {
        await SaveFlowAsync(FlowStatus.Completed);

        Assert.That(await _service.FlowStateAsync("alice", "remote", None), Is.EqualTo((false, false)));
    }

    // ---- disconnect -----------------------------------------------------------------------------------------------

    [Test]
    public async Task Disconnect_RevokesDeletesTokensAndFlow_EvenWhenRevocationFails()
    {
        await SaveFlowAsync(FlowStatus.Completed);
        var tokens = new TokenSet("at", "rt", "Bearer", null, null, Issuer, "https://auth.example.com/token", "c", "none", Resource, "https://auth.example.com/revoke");
        _tokens.Setup(t => t.GetAsync("alice", It.Is<CredentialKey>(k => k.ServerId == Remote.Id), It.IsAny<CancellationToken>())).ReturnsAsync(tokens);
        _tokens.Setup(t => t.DeleteAsync("alice", Remote.Id, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _client.Setup(c => c.RevokeAsync(tokens, It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>())).ReturnsAsync(OAuthErrors.TokenEndpoint("nope"));

        var result = await _service.DisconnectAsync(Alice, Server(), None);

        Assert.That(result.Value, Is.EqualTo("Disconnected from remote; tokens revoked and deleted"));
        _tokens.Verify(t => t.DeleteAsync("alice", Remote.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.That(await StoredFlowAsync(), Is.Null);
    }

    /// <summary>The OAuth use cases under test, called as one.</summary>
    private sealed record OAuthUseCases(OAuthFlowStarter Starter, OAuthCallbackHandler Callbacks, OAuthFlowQueries Flows, OAuthDisconnect Disconnects)
    {
        public Task<Result<string>> AuthorizationUrlAsync(Caller caller, UsableServer server, WwwAuthenticateChallenge? challenge, string? extraScope, CancellationToken ct) =>
            Starter.AuthorizationUrlAsync(caller, server, challenge, extraScope, ct);

        public Task<CallbackOutcome> HandleCallbackAsync(string? state, string? code, string? error, string? iss, Func<string, string?> browserProofFor, CancellationToken ct) =>
            Callbacks.HandleAsync(state, code, error, iss, browserProofFor, ct);

        public Task<Result<FlowStatusView>> StatusAsync(Caller caller, string flowId, CancellationToken ct) => Flows.StatusAsync(caller, flowId, ct);

        public Task<Result<TokenInfo>> TokenInfoAsync(Caller caller, string flowId, CancellationToken ct) => Flows.TokenInfoAsync(caller, flowId, ct);

        public Task<string> CancelAsync(Caller caller, string serverName, CancellationToken ct) => Flows.CancelAsync(caller, serverName, ct);

        public Task<(bool Active, bool Failed)> FlowStateAsync(string userId, string serverName, CancellationToken ct) => Flows.FlowStateAsync(userId, serverName, ct);

        public Task<Result<string>> DisconnectAsync(Caller caller, UsableServer server, CancellationToken ct) => Disconnects.DisconnectAsync(caller, server, ct);
    }
}
