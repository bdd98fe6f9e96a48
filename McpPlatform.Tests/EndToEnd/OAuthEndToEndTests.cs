using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Web;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>OAuth against real authorization servers from npm: the SDK's demo (auto-approving, DCR, PKCE) and an
/// oidc-provider stack (refresh-token rotation with reuse detection, RFC 9207 <c>iss</c>, short-lived JWTs).</summary>
[NonParallelizable]
public sealed class OAuthEndToEndTests : ApiTest
{
    private const string RedirectPrefix = "http://localhost:5080/api/mcp/";

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

    /// <summary>The caller's browser: the SPA's calls and the callback it is sent back to share its cookies.</summary>
    private SpaBrowser Browser(Caller caller)
    {
        if (!_browsers.TryGetValue(caller.UserId, out var browser))
        {
            _browsers[caller.UserId] = browser = SpaBrowser.Of(Api, caller);
        }

        return browser;
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task SdkDemo_DetectRegisterAuthorizeCallback_ThenToolsWork(bool strict)
    {
        await using var peer = await NodePeer.StartSdkOAuthAsync(strict);
        var name = await CreateAsync(Alice, peer.Url, "Sdk Demo");

        var reinit = await ReinitializeAsync(Alice, name);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reinit["oauthRequired"]!.GetValue<bool>(), Is.True, reinit.ToJsonString());
            Assert.That(reinit["oauthUrl"]!.GetValue<string>(), Does.StartWith(peer.AuthUrl + "authorize?"));
        }

        var authorizeUrl = reinit["oauthUrl"]!.GetValue<string>();
        var query = HttpUtility.ParseQueryString(new Uri(authorizeUrl).Query);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(query["code_challenge_method"], Is.EqualTo("S256"));
            Assert.That(query["resource"], Is.EqualTo(peer.Url));
            Assert.That(query["state"], Has.Length.GreaterThanOrEqualTo(22), "at least 128 bits of state");
            Assert.That(query["redirect_uri"], Is.EqualTo($"{RedirectPrefix}{name}/oauth/callback"));
        }

        var again = await ReinitializeAsync(Alice, name);
        Assert.That(again["oauthUrl"]!.GetValue<string>(), Is.EqualTo(authorizeUrl), "a pending flow keeps its URL and verifier");

        var callback = await AuthorizeAsync(authorizeUrl);
        using var delivered = await Browser(Alice).DeliverAsync(callback);
        Assert.That(delivered.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(delivered.Headers.Location?.ToString(), Is.EqualTo($"/oauth/success?serverName={name}"));

        Assert.That(await StateAsync(Alice, name), Is.EqualTo("connected"), "the callback reconnects with the new tokens");
        var tools = await ToolsAsync(Alice, name);
        Assert.That(tools.Select(t => t!["name"]!.GetValue<string>()), Does.Contain("greet"));
        using var greet = await As(Alice).PostAsJsonAsync($"/api/mcp/{name}/tools/greet/call", new { arguments = new { name = "ci" } });
        Assert.That((await ReadJsonAsync(greet))["content"]![0]!["text"]!.GetValue<string>(), Is.EqualTo("Hello, ci!"));

        // Bob can see the server (it is shared) but has no tokens of his own: he must authorize himself.
        await SeeAsync(Bob);
        var dbId = (await ReadJsonAsync(await As(Alice).GetAsync($"/api/mcp/servers/{name}")))["dbId"]!.GetValue<string>();
        await ShareAsync(Alice, dbId, new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_viewer" } } });
        using var bobsCall = await As(Bob).PostAsJsonAsync($"/api/mcp/{name}/tools/greet/call", new { arguments = new { name = "bob" } });
        var refused = await AssertProblemAsync(bobsCall, HttpStatusCode.Forbidden, error: "oauth_required");
        Assert.That(refused["oauthUrl"]!.GetValue<string>(), Does.StartWith(peer.AuthUrl));
    }

    [Test]
    public async Task Oidc_SecondDeliveryOfTheCallbackDoesNotExchangeAgain_AndTokensAreCiphertext()
    {
        await using var peer = await NodePeer.StartOidcStackAsync();
        var name = await CreateAsync(Alice, peer.Url, "Oidc Once");
        var callback = await AuthorizeAsync((await ReinitializeAsync(Alice, name))["oauthUrl"]!.GetValue<string>());
        Assert.That(HttpUtility.ParseQueryString(new Uri(callback).Query)["iss"], Is.EqualTo(peer.AuthUrl));

        var deliveries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Browser(Alice).DeliverAsync(callback)));
        Assert.That(deliveries.Select(d => d.Headers.Location?.ToString()), Is.All.EqualTo($"/oauth/success?serverName={name}"));
        using var late = await Browser(Alice).DeliverAsync(callback);
        Assert.That(late.Headers.Location?.ToString(), Is.EqualTo($"/oauth/success?serverName={name}"));
        var stats = await StatsAsync(peer);
        Assert.That(stats["tokenRequests"]!["authorization_code"]!.GetValue<int>(), Is.EqualTo(1), "exactly one code exchange");

        using var whoami = await As(Alice).PostAsJsonAsync($"/api/mcp/{name}/tools/whoami/call", new { arguments = new { } });
        Assert.That((await ReadJsonAsync(whoami))["content"]![0]!["text"]!.GetValue<string>(), Does.Contain("test-user"));
        var stored = await TestDatabase.DumpAsync("oauth_tokens", "oauth_client_registrations");
        Assert.That(stored, Does.Not.Contain("eyJ"), "no JWT in clear in the database");

        var flowId = $"alice:{name}";
        using var tokens = await As(Alice).GetAsync($"/api/mcp/oauth/tokens/{flowId}");
        var tokenInfo = await ReadJsonAsync(tokens);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tokenInfo["tokens"]!["has_refresh_token"]!.GetValue<bool>(), Is.True);
            Assert.That(tokenInfo.ToJsonString(), Does.Not.Contain("eyJ"), "never a raw token");
        }

        using var foreign = await As(Bob).GetAsync($"/api/mcp/oauth/status/{flowId}");
        await AssertProblemAsync(foreign, HttpStatusCode.Forbidden, error: "Access denied");
        using var status = await As(Alice).GetAsync($"/api/mcp/oauth/status/{flowId}");
        Assert.That((await ReadJsonAsync(status))["status"]!.GetValue<string>(), Is.EqualTo("COMPLETED"));
    }

    [Test]
    public async Task Oidc_ExpiredTokensAreRefreshedOnce_ForTenConcurrentCalls()
    {
        await using var peer = await NodePeer.StartOidcStackAsync(accessTokenTtlSeconds: 2);
        var name = await CreateAsync(Alice, peer.Url, "Oidc Refresh");
        var callback = await AuthorizeAsync((await ReinitializeAsync(Alice, name))["oauthUrl"]!.GetValue<string>());
        using (var delivered = await Browser(Alice).DeliverAsync(callback))
        {
            Assert.That(delivered.Headers.Location?.ToString(), Does.StartWith("/oauth/success"));
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var calls = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            As(Alice).PostAsJsonAsync($"/api/mcp/{name}/tools/echo/call", new { arguments = new { message = $"call {i}" } })));
        foreach (var call in calls)
        {
            Assert.That(call.StatusCode, Is.EqualTo(HttpStatusCode.OK), await call.Content.ReadAsStringAsync());
        }

        var stats = await StatsAsync(peer);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stats["tokenRequests"]!["refresh_token"]!.GetValue<int>(), Is.EqualTo(1), "single-flight refresh");
            Assert.That(stats["refreshReuse"]!.GetValue<int>(), Is.Zero, "the old refresh token was never used twice");
        }
    }

    [Test]
    public async Task Oidc_UsersWhoStartTheirFirstFlowsTogether_AllComplete()
    {
        // Each of these flows finds no registration and registers; the platform must still end with one client
        // that every flow's code exchange presents (it used to keep the last, failing the others with invalid_client).
        await using var peer = await NodePeer.StartOidcStackAsync();
        var created = await CreateServerAsync(Admin, new { type = "streamable-http", url = peer.Url, title = ConnectionsEndToEndTests.Unique("Oidc Together") });
        var name = created["serverName"]!.GetValue<string>();
        await ShareAsync(Admin, created["dbId"]!.GetValue<string>(), new { @public = true, publicAccessRoleId = "mcpServer_viewer" });
        var users = Enumerable.Range(0, 8).Select(i => new Caller($"together-{i}", SystemRoles.User, [])).ToList();

        var landings = await Task.WhenAll(users.Select(async user =>
        {
            using var browser = SpaBrowser.Of(Api, user);
            using var initiate = await browser.Api.GetAsync($"/api/mcp/{name}/oauth/initiate");
            Assert.That(initiate.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await initiate.Content.ReadAsStringAsync());
            var callback = await AuthorizeAsync(initiate.Headers.Location!.ToString());
            using var delivered = await browser.DeliverAsync(callback);
            return delivered.Headers.Location?.ToString();
        }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(landings, Is.All.EqualTo($"/oauth/success?serverName={name}"));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_client_registrations"), Is.EqualTo(1));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_tokens"), Is.EqualTo(users.Count));
        }
    }

    [Test]
    public async Task Oidc_ForgedIssIsRefused_AndNothingIsStored()
    {
        await using var peer = await NodePeer.StartOidcStackAsync();
        var name = await CreateAsync(Alice, peer.Url, "Oidc Forged");
        var callback = await AuthorizeAsync((await ReinitializeAsync(Alice, name))["oauthUrl"]!.GetValue<string>());
        var forged = callback.Replace(Uri.EscapeDataString(peer.AuthUrl), Uri.EscapeDataString("http://localhost:1/evil"), StringComparison.Ordinal);
        Assert.That(forged, Is.Not.EqualTo(callback));
        using var response = await Browser(Alice).DeliverAsync(forged);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo("/oauth/error?error=iss_mismatch"));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_tokens"), Is.Zero);
            Assert.That((await StatsAsync(peer))["tokenRequests"]!["authorization_code"]!.GetValue<int>(), Is.Zero);
            Assert.That(await StateAsync(Alice, name), Is.EqualTo("error"), "a failed flow shows as an error");
        }
    }

    [Test]
    public async Task Disconnect_RevokesDeletesAndCloses()
    {
        await using var peer = await NodePeer.StartOidcStackAsync();
        var name = await CreateAsync(Alice, peer.Url, "Oidc Disconnect");
        var callback = await AuthorizeAsync((await ReinitializeAsync(Alice, name))["oauthUrl"]!.GetValue<string>());
        (await Browser(Alice).DeliverAsync(callback)).Dispose();
        Assert.That(await StateAsync(Alice, name), Is.EqualTo("connected"));

        using var disconnect = await As(Alice).DeleteAsync($"/api/mcp/{name}/oauth/tokens");
        Assert.That((await ReadJsonAsync(disconnect))["success"]!.GetValue<bool>(), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_tokens"), Is.Zero);
            Assert.That(await StateAsync(Alice, name), Is.EqualTo("disconnected"));
            Assert.That(await ToolsAsync(Alice, name), Is.Empty);
        }

        var after = await ReinitializeAsync(Alice, name);
        Assert.That(after["oauthRequired"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task Logs_OfAWholeFlowAndToolCalls_ContainNoTokensCodesOrStates()
    {
        await using var peer = await NodePeer.StartOidcStackAsync(accessTokenTtlSeconds: 2);
        var name = await CreateAsync(Alice, peer.Url, "Oidc Logged");
        var callback = await AuthorizeAsync((await ReinitializeAsync(Alice, name))["oauthUrl"]!.GetValue<string>());
        var query = HttpUtility.ParseQueryString(new Uri(callback).Query);
        (await Browser(Alice).DeliverAsync(callback)).Dispose();
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await As(Alice).PostAsJsonAsync($"/api/mcp/{name}/tools/echo/call", new { arguments = new { message = "after refresh" } })).Dispose();
        Assert.That((await StatsAsync(peer))["tokenRequests"]!["refresh_token"]!.GetValue<int>(), Is.EqualTo(1), "the run included a refresh");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Api.Logs.Lines, Has.None.Contains("eyJ"), "no JWT");
            Assert.That(Api.Logs.Lines, Has.None.Contains(query["code"]!), "no authorization code");
            Assert.That(Api.Logs.Lines, Has.None.Contains(query["state"]!), "no state");
            Assert.That(Api.Logs.Lines, Has.None.Match(@"Bearer [A-Za-z0-9\-._~+/]{8,}"), "no bearer credential");
        }
    }

    [TestCase("?state=nope&code=x", "/oauth/error?error=invalid_state")]
    [TestCase("?code=x", "/oauth/error?error=missing_state")]
    [TestCase("?state=nope", "/oauth/error?error=missing_code")]
    [TestCase("?error=access_denied&state=nope", "/oauth/error?error=access_denied")]
    [TestCase("?error=%3Cscript%3E&state=nope", "/oauth/error?error=callback_failed")]
    public async Task Callback_BadInputRedirectsToTheErrorPage(string query, string location)
    {
        using var response = await As(null).GetAsync("/api/mcp/any-server/oauth/callback" + query);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo(location));
    }

    [Test]
    public async Task FlowRoutes_RefuseForeignFlowsAndCancelPendingOnes()
    {
        await using var peer = await NodePeer.StartSdkOAuthAsync();
        var name = await CreateAsync(Alice, peer.Url, "Cancel Me");
        Assert.That((await ReinitializeAsync(Alice, name))["oauthRequired"]!.GetValue<bool>(), Is.True);
        Assert.That(await StateAsync(Alice, name), Is.EqualTo("connecting"), "a pending flow shows as connecting");

        using var cancel = await As(Alice).PostAsync($"/api/mcp/oauth/cancel/{name}", null);
        Assert.That((await ReadJsonAsync(cancel))["message"]!.GetValue<string>(), Is.EqualTo($"OAuth flow for {name} cancelled successfully"));
        Assert.That(await StateAsync(Alice, name), Is.EqualTo("disconnected"), "a cancelled flow is not an error");
        using var nothing = await As(Alice).PostAsync($"/api/mcp/oauth/cancel/{name}", null);
        Assert.That((await ReadJsonAsync(nothing))["message"]!.GetValue<string>(), Is.EqualTo("No active OAuth flow to cancel"));

        using var foreign = await As(Bob).GetAsync($"/api/mcp/oauth/tokens/alice:{name}");
        await AssertProblemAsync(foreign, HttpStatusCode.Forbidden, error: "Access denied");
        using var mismatch = await As(Alice).GetAsync($"/api/mcp/{name}/oauth/initiate?userId=bob");
        await AssertProblemAsync(mismatch, HttpStatusCode.Forbidden, error: "User mismatch");
        using var initiate = await As(Alice).GetAsync($"/api/mcp/{name}/oauth/initiate");
        Assert.That(initiate.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(initiate.Headers.Location?.ToString(), Does.StartWith(peer.AuthUrl + "authorize?"));
    }

    [Test]
    public async Task BuiltInPagesSayWhatHappened()
    {
        using var success = await As(null).GetAsync("/oauth/success?serverName=%3Cb%3Ex");
        var html = await success.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(html, Does.Contain("succeeded"));
            Assert.That(html, Does.Contain("&lt;b&gt;x"), "escaped");
            Assert.That(html, Does.Contain("window.close"));
        }
    }

    private async Task<string> CreateAsync(Caller owner, string url, string title) =>
        (await CreateServerAsync(owner, new { type = "streamable-http", url, title = ConnectionsEndToEndTests.Unique(title) }))["serverName"]!.GetValue<string>();

    private static Task<string> AuthorizeAsync(string authorizationUrl) => AuthorizationBrowser.FollowToCallbackAsync(authorizationUrl, RedirectPrefix);

    private static Task<JsonNode> StatsAsync(NodePeer peer) => peer.StatsAsync();

    private async Task<JsonNode> ReinitializeAsync(Caller caller, string name)
    {
        using var response = await Browser(caller).Api.PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await ReadJsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body;
    }

    private async Task<JsonArray> ToolsAsync(Caller caller, string name)
    {
        using var response = await As(caller).GetAsync("/api/mcp/tools");
        return (await ReadJsonAsync(response))["servers"]![name]?["tools"]?.AsArray() ?? [];
    }

    private async Task<string> StateAsync(Caller caller, string name)
    {
        using var response = await As(caller).GetAsync($"/api/mcp/connection/status/{name}");
        return (await ReadJsonAsync(response))["connectionStatus"]!.GetValue<string>();
    }
}
