using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Web;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// The trust boundaries, attacked as a collaborator, another browser or a hostile peer would, through the real API
/// against real MCP and authorization servers and a recording hostile host: a secret goes only where its owner saw it
/// going, the code only to the authorization server that issued it, a callback only from the browser that started
/// the flow, and sharing with everyone only with SHARE_PUBLIC. Each attack is followed by the legitimate path it
/// must not break. See docs/security.md.
/// </summary>
[NonParallelizable]
public sealed class TrustBoundaryTests : ApiTest
{
    private const string RedirectPrefix = "http://localhost:5080/api/mcp/";
    private const string CarolsKey = "carol-private-api-key-7f3a9c";

    private readonly Dictionary<string, SpaBrowser> _browsers = [];

    protected override Task<ApiFactory> StartHostAsync() => ConnectionsHost.StartAsync();

    [TearDown]
    public void CloseBrowsers()
    {
        foreach (var browser in _browsers.Values)
        {
            browser.Dispose();
        }

        _browsers.Clear();
    }

    // ---- 1. an editor redirects other users' credential variables --------------------------------------------------

    [Test]
    public async Task EditorMovingTheUrl_DoesNotTakeAnotherUsersVariablesAlong_TheyMustBeEnteredAgain()
    {
        await using var genuine = await NodePeer.StartEverythingStreamableAsync();
        await using var attacker = await HostilePeer.StartAsync();
        var (name, dbId) = await KeyedServerWithEditorBobAndViewerCarolAsync(genuine.Url);
        Assert.That((await ReinitializeAsync(Carol, name))["success"]!.GetValue<bool>(), Is.True, "Carol's key works where she entered it");

        // Bob, an editor, sends the server (header template and all, which he can read) to his own host.
        var template = await ReadConfigAsync(Bob, name);
        using (var patch = await As(Bob).PatchAsJsonAsync($"/api/mcp/servers/{name}", new { config = With(template, "url", attacker.Origin + "/mcp") }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK), await patch.Content.ReadAsStringAsync());
        }

        var after = await ReinitializeAsync(Carol, name);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(attacker.Requests.Select(r => r.Headers.GetValueOrDefault("X-Api-Key")), Has.None.EqualTo(CarolsKey), "Carol's key never reaches the editor's host");
            Assert.That(attacker.Requests.Select(r => r.PathAndQuery), Has.None.Contains(CarolsKey));
            Assert.That(after["success"]!.GetValue<bool>(), Is.False);
            Assert.That(after["missingUserVars"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { "API_KEY" }), "Carol is asked to enter it again");
            Assert.That(await AuthValueAsync(Carol, name, "API_KEY"), Is.False);
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM credential_variables"), Is.Zero, "deleted with the change");
        }

        var audited = await AuditAsync(dbId, "server.updated");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(audited["actorId"]!.GetValue<string>(), Is.EqualTo("bob"));
            Assert.That(audited["details"]!["credentialsRevoked"]!.GetValue<string>(), Is.EqualTo("true"));
            Assert.That(audited["details"]!["variablesDeleted"]!.GetValue<string>(), Is.EqualTo("1"));
            Assert.That(audited["details"]!["usersAffected"]!.GetValue<string>(), Is.EqualTo("1"));
        }
    }

    [Test]
    public async Task EditorMovingThePlaceholderIntoTheQuery_IsAChangeOfDestinationToo()
    {
        await using var genuine = await NodePeer.StartEverythingStreamableAsync();
        await using var attacker = await HostilePeer.StartAsync();
        var (name, _) = await KeyedServerWithEditorBobAndViewerCarolAsync(genuine.Url);

        var moved = Without(With(await ReadConfigAsync(Bob, name), "url", attacker.Origin + "/mcp?key={{API_KEY}}"), "headers");
        using (var patch = await As(Bob).PatchAsJsonAsync($"/api/mcp/servers/{name}", new { config = moved }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK), await patch.Content.ReadAsStringAsync());
        }

        (await ReinitializeAsync(Carol, name)).AsObject();
        Assert.That(attacker.Requests.Select(r => r.PathAndQuery), Has.None.Contains(CarolsKey));
    }

    [Test]
    public async Task OwnerMovingTheUrl_ThenUsersEnteringTheirKeysAgain_Works()
    {
        await using var first = await NodePeer.StartEverythingStreamableAsync();
        await using var second = await NodePeer.StartEverythingStreamableAsync();
        await SeeAsync(Alice, Carol);
        var (name, dbId) = await CreateWithKeyHeaderAsync(first.Url);
        await ShareAsync(Alice, dbId, new { updated = new object[] { Grant("carol", "mcpServer_viewer") } });
        await InstallKeyAsync(Carol, name, CarolsKey);

        using (var patch = await As(Alice).PatchAsJsonAsync($"/api/mcp/servers/{name}", new { config = With(await ReadConfigAsync(Alice, name), "url", second.Url) }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK), await patch.Content.ReadAsStringAsync());
        }

        Assert.That((await ReinitializeAsync(Carol, name))["missingUserVars"], Is.Not.Null);
        await InstallKeyAsync(Carol, name, CarolsKey);
        var reconnected = await ReinitializeAsync(Carol, name);
        Assert.That(reconnected["success"]!.GetValue<bool>(), Is.True, reconnected.ToJsonString());
    }

    [Test]
    public async Task EditingWhatMovesNoCredential_KeepsEveryonesVariables()
    {
        await using var genuine = await NodePeer.StartEverythingStreamableAsync();
        await SeeAsync(Alice, Carol);
        var (name, dbId) = await CreateWithKeyHeaderAsync(genuine.Url);
        await ShareAsync(Alice, dbId, new { updated = new object[] { Grant("carol", "mcpServer_viewer") } });
        await InstallKeyAsync(Carol, name, CarolsKey);

        var retitled = With(With(await ReadConfigAsync(Alice, name), "title", "Renamed Keyed"), "description", "only words changed");
        using (var patch = await As(Alice).PatchAsJsonAsync($"/api/mcp/servers/{name}", new { config = retitled }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK), await patch.Content.ReadAsStringAsync());
        }

        Assert.That(await AuthValueAsync(Carol, name, "API_KEY"), Is.True);
        Assert.That((await ReinitializeAsync(Carol, name))["success"]!.GetValue<bool>(), Is.True);
    }

    // ---- 2. an editor steals the code exchange ------------------------------------------------------------------

    [Test]
    public async Task EditorPointingOnlyTheTokenUrlAtTheirHost_IsRefusedAtSave()
    {
        await using var peer = await NodePeer.StartSdkOAuthAsync();
        await using var attacker = await HostilePeer.StartAsync();
        await SeeAsync(Alice, Bob);
        var created = await CreateServerAsync(Alice, new { type = "streamable-http", url = peer.Url, title = ConnectionsEndToEndTests.Unique("Code Theft") });
        var name = created["serverName"]!.GetValue<string>();
        await ShareAsync(Alice, created["dbId"]!.GetValue<string>(), new { updated = new object[] { Grant("bob", "mcpServer_editor") } });

        var config = With(await ReadConfigAsync(Bob, name), "oauth", new JsonObject { ["token_url"] = attacker.Origin + "/token" });
        using var patch = await As(Bob).PatchAsJsonAsync($"/api/mcp/servers/{name}", new { config });

        var problem = await AssertProblemAsync(patch, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()), Does.Contain("oauth.token_url"));
        await AuthorizeAsUsersWouldAsync(Alice, name);
        Assert.That(attacker.Requests, Is.Empty, "nothing reached the editor's host");
    }

    [Test]
    public async Task EditorPointingTheTokenUrlAtTheirHostBesideTheGenuineAuthorizationUrl_StartsNoFlow_AndNamesTheField()
    {
        await using var peer = await NodePeer.StartSdkOAuthAsync();
        await using var attacker = await HostilePeer.StartAsync();
        await SeeAsync(Alice, Bob, Carol);
        var created = await CreateServerAsync(Alice, new { type = "streamable-http", url = peer.Url, title = ConnectionsEndToEndTests.Unique("Code Theft Both") });
        var name = created["serverName"]!.GetValue<string>();
        await ShareAsync(Alice, created["dbId"]!.GetValue<string>(), new { updated = new object[] { Grant("bob", "mcpServer_editor"), Grant("carol", "mcpServer_viewer") } });

        var config = With(await ReadConfigAsync(Bob, name), "oauth", new JsonObject
        {
            ["authorization_url"] = peer.AuthUrl + "authorize",
            ["token_url"] = attacker.Origin + "/token",
        });
        using (var patch = await As(Bob).PatchAsJsonAsync($"/api/mcp/servers/{name}", new { config }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the configuration alone cannot show it");
        }

        var reinit = await ReinitializeAsync(Carol, name);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reinit["success"]!.GetValue<bool>(), Is.False, reinit.ToJsonString());
            Assert.That(reinit["oauthUrl"]?.GetValue<string>(), Is.Null, "no user is sent to authorize");
            Assert.That(reinit["message"]!.GetValue<string>(), Does.Contain("oauth.token_url"));
            Assert.That(await StateAsync(Carol, name), Is.Not.EqualTo("connecting"), "no flow was stored");
        }

        await AuthorizeAsUsersWouldAsync(Carol, name);
        Assert.That(attacker.Requests, Is.Empty, "no code, verifier or client credentials reached the editor's host");
    }

    // ---- 3. authorization-code injection ------------------------------------------------------------------------

    [Test]
    public async Task AFlowsUrlOpenedInAnotherBrowser_StoresNothing_AndTheOwnersOwnBrowserStillCompletes()
    {
        await using var peer = await NodePeer.StartSdkOAuthAsync();
        await SeeAsync(Alice, Bob);
        var created = await CreateServerAsync(Alice, new { type = "streamable-http", url = peer.Url, title = ConnectionsEndToEndTests.Unique("Injection") });
        var name = created["serverName"]!.GetValue<string>();
        await ShareAsync(Alice, created["dbId"]!.GetValue<string>(), new { updated = new object[] { Grant("bob", "mcpServer_viewer") } });

        // Alice starts a flow and gets Bob to open its URL; Bob's browser has bound itself to his own flows only.
        var alicesUrl = (await ReinitializeAsync(Alice, name))["oauthUrl"]!.GetValue<string>();
        var bob = Browser(Bob);
        await bob.BindAsync(name);
        using (var delivered = await bob.DeliverAsync(await AuthorizationBrowser.FollowToCallbackAsync(alicesUrl, RedirectPrefix)))
        {
            Assert.That(delivered.Headers.Location?.ToString(), Is.EqualTo("/oauth/error?error=csrf_validation_failed"));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_tokens"), Is.Zero, "nothing is stored under Alice's account");
            Assert.That(await StateAsync(Alice, name), Is.EqualTo("error"), "the flow whose state was seen elsewhere has ended");
        }

        // A browser with no binding at all is refused the same way.
        var again = (await ReinitializeAsync(Alice, name))["oauthUrl"]!.GetValue<string>();
        using (var anonymous = await As(null).GetAsync(new Uri(await AuthorizationBrowser.FollowToCallbackAsync(again, RedirectPrefix)).PathAndQuery))
        {
            Assert.That(anonymous.Headers.Location?.ToString(), Is.EqualTo("/oauth/error?error=csrf_validation_failed"));
        }

        // Alice's own browser completes a flow of her own.
        await AuthorizeAsUsersWouldAsync(Alice, name);
        Assert.That(await StateAsync(Alice, name), Is.EqualTo("connected"));
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_tokens"), Is.EqualTo(1));
    }

    [Test]
    public async Task Bind_AnswersLibreChatsShape_AndSetsAnHttpOnlyCookieForTheCallbackPath()
    {
        await SeeAsync(Alice, Bob);
        var created = await CreateServerAsync(Alice, new { type = "streamable-http", url = "http://localhost:9/mcp", title = ConnectionsEndToEndTests.Unique("Bind Shape") });
        var name = created["serverName"]!.GetValue<string>();

        using var bind = await As(Alice).PostAsync($"/api/mcp/{name}/oauth/bind", null);
        using var invisible = await As(Bob).PostAsync($"/api/mcp/{name}/oauth/bind", null);
        using var anonymous = await As(null).PostAsync($"/api/mcp/{name}/oauth/bind", null);

        var cookie = bind.Headers.GetValues("Set-Cookie").Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That((await ReadJsonAsync(bind)).ToJsonString(), Is.EqualTo("""{"success":true}"""));
            Assert.That(cookie, Does.StartWith("mcp_oauth_"));
            Assert.That(cookie.ToLowerInvariant(), Does.Contain("httponly").And.Contain("path=/api/mcp").And.Contain("samesite=lax"));
            Assert.That(invisible.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a server the caller cannot see is not revealed");
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
    }

    // ---- 4. sharing with a role is as wide as public ------------------------------------------------------------

    [Test]
    public async Task SharingWithARole_NeedsSharePublic_AndSharingWithAGroupDoesNot()
    {
        await SeeAsync(Alice, Bob, Carol);
        var created = await CreateServerAsync(Alice, new { type = "streamable-http", url = "https://mcp.example.com/mcp", title = ConnectionsEndToEndTests.Unique("Role Share") });
        var name = created["serverName"]!.GetValue<string>();
        var dbId = created["dbId"]!.GetValue<string>();

        using var toEveryone = await As(Alice).PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", new { updated = new[] { new { type = "role", id = "USER", accessRoleId = "mcpServer_editor" } } });
        await AssertProblemAsync(toEveryone, HttpStatusCode.Forbidden, message: "Forbidden: Insufficient permissions");
        using (var bobs = await As(Bob).GetAsync($"/api/mcp/servers/{name}"))
        {
            Assert.That(bobs.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "nobody else was given the server");
        }

        await ShareAsync(Alice, dbId, new { updated = new[] { new { type = "group", id = "team-a", accessRoleId = "mcpServer_viewer" } } });
        using (var carols = await As(Carol).GetAsync($"/api/mcp/servers/{name}"))
        {
            Assert.That(carols.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a group share works as before");
        }

        await ShareAsync(Admin, dbId, new { updated = new[] { new { type = "role", id = "USER", accessRoleId = "mcpServer_viewer" } } });
        using (var bobs = await As(Bob).GetAsync($"/api/mcp/servers/{name}"))
        {
            Assert.That(bobs.StatusCode, Is.EqualTo(HttpStatusCode.OK), "an admin, who holds SHARE_PUBLIC, may share with a role");
        }
    }

    // ---- review findings ----------------------------------------------------------------------------------------

    [Test]
    public async Task AMissingIss_IsRefused_WhenTheAuthorizationServerSaysItAlwaysSendsIt()
    {
        await using var peer = await NodePeer.StartOidcStackAsync();
        await SeeAsync(Alice);
        var name = (await CreateServerAsync(Alice, new { type = "streamable-http", url = peer.Url, title = ConnectionsEndToEndTests.Unique("Iss Required") }))["serverName"]!.GetValue<string>();
        var browser = Browser(Alice);
        var callback = await AuthorizationBrowser.FollowToCallbackAsync((await ReinitializeAsync(Alice, name))["oauthUrl"]!.GetValue<string>(), RedirectPrefix);
        var query = HttpUtility.ParseQueryString(new Uri(callback).Query);
        Assert.That(query["iss"], Is.EqualTo(peer.AuthUrl), "the peer sends iss (and says so in its metadata)");
        query.Remove("iss");
        var withoutIss = new UriBuilder(callback) { Query = query.ToString() }.Uri.ToString();

        using var delivered = await browser.DeliverAsync(withoutIss);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(delivered.Headers.Location?.ToString(), Is.EqualTo("/oauth/error?error=iss_mismatch"));
            Assert.That((await peer.StatsAsync())["tokenRequests"]!["authorization_code"]!.GetValue<int>(), Is.Zero, "no code exchange");
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_tokens"), Is.Zero);
        }
    }

    [Test]
    public async Task ARefusedOutboundAddress_IsNotEchoed()
    {
        await SeeAsync(Alice);
        var reinit = await ReinitializeAsync(Alice, ConnectionsHost.LiteralLoopbackServer);
        var message = reinit["message"]!.GetValue<string>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(message, Does.Contain("refused by the outbound address policy"));
            Assert.That(message, Does.Not.Contain("127.0.0.1"), "no resolved address: the platform is no oracle for internal DNS");
            Assert.That(message, Does.Not.Contain("private, loopback").And.Not.Contain("link-local"), "nor the kind of range it is in");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static object Grant(string user, string role) => new { type = "user", id = user, accessRoleId = role };

    /// <summary>The caller's one browser in this test: the SPA's calls and the callbacks it arrives at share its cookies.</summary>
    private SpaBrowser Browser(Caller caller)
    {
        if (!_browsers.TryGetValue(caller.UserId, out var browser))
        {
            _browsers[caller.UserId] = browser = SpaBrowser.Of(Api, caller);
        }

        return browser;
    }

    /// <summary>Alice's server that sends each user's own <c>API_KEY</c> in a header; Bob may edit it, Carol uses it
    /// and has stored her key.</summary>
    private async Task<(string Name, string DbId)> KeyedServerWithEditorBobAndViewerCarolAsync(string url)
    {
        await SeeAsync(Alice, Bob, Carol);
        var (name, dbId) = await CreateWithKeyHeaderAsync(url);
        await ShareAsync(Alice, dbId, new { updated = new object[] { Grant("bob", "mcpServer_editor"), Grant("carol", "mcpServer_viewer") } });
        await InstallKeyAsync(Carol, name, CarolsKey);
        return (name, dbId);
    }

    private async Task<(string Name, string DbId)> CreateWithKeyHeaderAsync(string url)
    {
        var created = await CreateServerAsync(Alice, new
        {
            type = "streamable-http",
            url,
            title = ConnectionsEndToEndTests.Unique("Keyed"),
            headers = new Dictionary<string, string> { ["X-Api-Key"] = "{{API_KEY}}" },
            customUserVars = new Dictionary<string, object> { ["API_KEY"] = new { title = "API key", description = "Your own key" } },
        });
        return (created["serverName"]!.GetValue<string>(), created["dbId"]!.GetValue<string>());
    }

    private async Task InstallKeyAsync(Caller caller, string name, string key)
    {
        using var install = await As(caller).PostAsJsonAsync("/api/user/plugins", new { pluginKey = $"mcp_{name}", action = "install", auth = new Dictionary<string, string> { ["API_KEY"] = key } });
        Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.OK), await install.Content.ReadAsStringAsync());
    }

    /// <summary>The server's config as an editor reads it (header templates included), to send back changed.</summary>
    private async Task<JsonObject> ReadConfigAsync(Caller caller, string name)
    {
        using var response = await As(caller).GetAsync($"/api/mcp/servers/{name}");
        var body = (await ReadJsonAsync(response)).AsObject();
        var config = new JsonObject();
        foreach (var member in new[] { "type", "url", "title", "description", "headers", "customUserVars", "oauth" })
        {
            if (body[member] is { } value)
            {
                config[member] = value.DeepClone();
            }
        }

        return config;
    }

    /// <summary>A copy of the config with one member set (or removed).</summary>
    private static JsonObject With(JsonObject config, string member, JsonNode? value)
    {
        var copy = config.DeepClone().AsObject();
        copy[member] = value;
        return copy;
    }

    private static JsonObject With(JsonObject config, string member, string value) => With(config, member, JsonValue.Create(value));

    private static JsonObject Without(JsonObject config, string member)
    {
        var copy = config.DeepClone().AsObject();
        copy.Remove(member);
        return copy;
    }

    private async Task<JsonNode> ReinitializeAsync(Caller caller, string name)
    {
        using var response = await Browser(caller).Api.PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await ReadJsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body;
    }

    /// <summary>What a user does: reinitialize, open the authorization URL in the browser that asked, arrive back.</summary>
    private async Task AuthorizeAsUsersWouldAsync(Caller caller, string name)
    {
        var browser = Browser(caller);
        using var reinit = await browser.Api.PostAsync($"/api/mcp/{name}/reinitialize", null);
        var url = (await ReadJsonAsync(reinit))["oauthUrl"]?.GetValue<string>();
        if (url is null)
        {
            return;
        }

        using var delivered = await browser.DeliverAsync(await AuthorizationBrowser.FollowToCallbackAsync(url, RedirectPrefix));
        Assert.That(delivered.Headers.Location?.ToString(), Does.StartWith("/oauth/success"));
    }

    private async Task<bool> AuthValueAsync(Caller caller, string name, string variable)
    {
        using var response = await As(caller).GetAsync($"/api/mcp/{name}/auth-values");
        return (await ReadJsonAsync(response))["authValueFlags"]![variable]!.GetValue<bool>();
    }

    private async Task<string> StateAsync(Caller caller, string name)
    {
        using var response = await As(caller).GetAsync($"/api/mcp/connection/status/{name}");
        return (await ReadJsonAsync(response))["connectionStatus"]!.GetValue<string>();
    }

    private async Task<JsonNode> AuditAsync(string resource, string action)
    {
        using var response = await As(Admin).GetAsync($"/api/admin/audit?resource={resource}");
        return (await ReadJsonAsync(response))["entries"]!.AsArray().First(e => e!["action"]!.GetValue<string>() == action)!;
    }
}
