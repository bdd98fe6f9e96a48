using System.Net;
using System.Net.Http.Json;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Api;

public sealed class ServersApiTests : ApiTest
{
    private static readonly object SseConfig = new { type = "sse", url = "https://mcp.example.com/sse", title = "My Server", description = "A test server" };

    [Test]
    public async Task Create_Returns201WithSlugDbIdUpdatedAtAndETag()
    {
        using var response = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = SseConfig });
        var body = await ReadJsonAsync(response);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(body["serverName"]!.GetValue<string>(), Is.EqualTo("my-server"));
            Assert.That(Guid.TryParse(body["dbId"]!.GetValue<string>(), out _), Is.True);
            Assert.That(body["updatedAt"]!.GetValue<long>(), Is.GreaterThan(1_700_000_000_000));
            Assert.That(body["source"]!.GetValue<string>(), Is.EqualTo("db"));
            Assert.That(body["type"]!.GetValue<string>(), Is.EqualTo("sse"));
            Assert.That(body["description"]!.GetValue<string>(), Is.EqualTo("A test server"));
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo("\"1\""));
        }
    }

    [Test]
    public async Task Create_SameTitleGetsSuffixesAndAppLevelNamesAreReserved()
    {
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add((await CreateServerAsync(Alice, SseConfig))["serverName"]!.GetValue<string>());
        }

        var appClash = await CreateServerAsync(Bob, new { type = "sse", url = "https://x.example.com/sse", title = "App Weather" });
        var routeWord = await CreateServerAsync(Bob, new { type = "sse", url = "https://x.example.com/sse", title = "Tools" });
        var untitled = await CreateServerAsync(Bob, new { type = "sse", url = "https://x.example.com/sse" });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(names, Is.EqualTo(new[] { "my-server", "my-server-2", "my-server-3" }));
            Assert.That(appClash["serverName"]!.GetValue<string>(), Is.EqualTo("app-weather-2"));
            Assert.That(routeWord["serverName"]!.GetValue<string>(), Is.EqualTo("tools-2"));
            Assert.That(untitled["serverName"]!.GetValue<string>(), Does.Match("^mcp-[A-Za-z0-9_-]{16}$"));
        }
    }

    [Test]
    public async Task Create_TwentyConcurrentWithOneTitle_AllSucceedWithDistinctNames()
    {
        var callers = Enumerable.Range(0, 20).Select(i => new Caller($"racer{i}", SystemRoles.User, [])).ToList();
        var responses = await Task.WhenAll(callers.Select(c =>
            As(c).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://race.example.com/sse", title = "Race" } })));
        var names = new List<string>();
        foreach (var response in responses)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
            names.Add((await ReadJsonAsync(response))["serverName"]!.GetValue<string>());
            response.Dispose();
        }

        Assert.That(names.OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal),
            Is.EquivalentTo(new[] { "race" }.Concat(Enumerable.Range(2, 19).Select(i => $"race-{i}"))));
    }

    [Test]
    public async Task Create_DropsServerManagedAndUnknownKeys()
    {
        var created = await CreateServerAsync(Alice, new
        {
            type = "http", url = "https://mcp.example.com/mcp", title = "Managed",
            startup = false, timeout = 5, chatMenu = false, requiresOAuth = true, oauth_headers = new { X = "1" }, command = "rm", extra = 1,
        });
        using (Assert.EnterMultipleScope())
        {
            foreach (var key in new[] { "startup", "timeout", "chatMenu", "requiresOAuth", "oauth_headers", "command", "extra" })
            {
                Assert.That(created.ContainsKey(key), Is.False, key);
            }

            Assert.That(created["type"]!.GetValue<string>(), Is.EqualTo("http"));
        }
    }

    private static IEnumerable<TestCaseData> InvalidConfigs()
    {
        yield return new TestCaseData("""{"type":"sse","title":"Invalid Server"}""", "url").SetName("MissingUrl");
        yield return new TestCaseData("""{"type":"sse","url":"ws://invalid-protocol.example.com/sse","title":"X"}""", "url").SetName("WebSocketUrlForSse");
        yield return new TestCaseData("""{"type":"sse","url":"not a url"}""", "url").SetName("MalformedUrlIs400Not500");
        yield return new TestCaseData("""{"type":"sse","url":"https://a.com","title":"My-Server!"}""", "title").SetName("TitleWithSymbols");
        yield return new TestCaseData("""{"type":"streamable-http"}""", "url").SetName("StreamableHttpWithoutUrl");
        yield return new TestCaseData("""{"type":"sse","url":"https://a.com","oauth":{"authorization_url":"nope"}}""", "oauth.authorization_url").SetName("OAuthUrlInvalid");
        yield return new TestCaseData("""{"type":"stdio","command":"node","args":["s.js"]}""", "type").SetName("StdioRefused");
        yield return new TestCaseData("""{"type":"sse","url":"javascript:alert(1)"}""", "url").SetName("JavascriptUrl");
        yield return new TestCaseData("""{"type":"sse","url":"file:///etc/passwd"}""", "url").SetName("FileUrl");
        yield return new TestCaseData("""{"type":"sse","url":"https://a.com","headers":{"X":"a\r\nInjected: 1"}}""", "headers.X").SetName("HeaderInjection");
        yield return new TestCaseData("""{"type":"sse","url":"https://a.com","title":123}""", "title").SetName("WrongType");
        yield return new TestCaseData("""{"type":"carrier-pigeon","url":"https://a.com"}""", "type").SetName("UnknownType");
        yield return new TestCaseData("null", "config").SetName("NullConfig");
    }

    [TestCaseSource(nameof(InvalidConfigs))]
    public async Task Create_InvalidConfig_Is400InvalidConfigurationWithErrors(string configJson, string expectedPath)
    {
        using var content = new StringContent($$"""{"config":{{configJson}}}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await As(Alice).PostAsync("/api/mcp/servers", content);
        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, message: "Invalid configuration");
        var paths = body["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()).ToList();
        Assert.That(paths, Does.Contain(expectedPath), body.ToJsonString());
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM mcp_servers"), Is.Zero);
    }

    [Test]
    public async Task Create_PrivateAddressIsRefusedWhenPrivateNetworksAreNotAllowed()
    {
        using var response = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "http", url = "http://127.0.0.1:9/mcp" } });
        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, message: "Invalid configuration");
        Assert.That(body["errors"]![0]!["code"]!.GetValue<string>(), Is.EqualTo("url_not_allowed"));
    }

    [Test]
    public async Task Create_BeyondTheOwnershipLimit_Is409()
    {
        for (var i = 0; i < ApiFactory.MaxServersPerUser; i++)
        {
            await CreateServerAsync(Carol, new { type = "sse", url = "https://a.example.com/sse", title = "Many" });
        }

        using var response = await As(Carol).PostAsJsonAsync("/api/mcp/servers", new { config = SseConfig });
        await AssertProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task List_ShowsAppLevelOwnGroupAndPublicServers_NotOthers()
    {
        var own = (await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Own" }))["serverName"]!.GetValue<string>();
        var bobsPrivate = await CreateServerAsync(Bob, new { type = "sse", url = "https://a.example.com/sse", title = "Bob Private" });
        var bobsForTeamA = await CreateServerAsync(Bob, new { type = "sse", url = "https://a.example.com/sse", title = "For Team A" });
        var adminsPublic = await CreateServerAsync(Admin, new { type = "sse", url = "https://a.example.com/sse", title = "Everyone" });
        await SeeAsync(Alice);
        await ShareAsync(Bob, bobsForTeamA["dbId"]!.GetValue<string>(), new { updated = new[] { new { type = "group", id = "team-a", accessRoleId = "mcpServer_viewer" } }, removed = Array.Empty<object>() });
        await ShareAsync(Admin, adminsPublic["dbId"]!.GetValue<string>(), new { updated = Array.Empty<object>(), removed = Array.Empty<object>(), @public = true, publicAccessRoleId = "mcpServer_viewer" });

        using var response = await As(Alice).GetAsync("/api/mcp/servers");
        var map = (await ReadJsonAsync(response)).AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(map.Select(kv => kv.Key), Is.EquivalentTo(new[] { ApiFactory.AppServerName, own, "for-team-a", "everyone" }));
            Assert.That(map[ApiFactory.AppServerName]!["source"]!.GetValue<string>(), Is.EqualTo("app"));
            Assert.That(map[ApiFactory.AppServerName]!["headers"]!["Authorization"]!.GetValue<string>(), Is.EqualTo(McpServerConfig.MaskedValue));
            Assert.That(map.ContainsKey(bobsPrivate["serverName"]!.GetValue<string>()), Is.False);
        }
    }

    [Test]
    public async Task Page_WalksAppAndDatabaseServersInNameOrderWithAnOpaqueCursor()
    {
        foreach (var title in new[] { "Zeta", "Alpha", "Mid", "Beta" })
        {
            await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title });
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var response = await As(Alice).GetAsync("/api/mcp/servers?limit=2" + (cursor is null ? string.Empty : "&cursor=" + cursor));
            var page = await ReadJsonAsync(response);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), page.ToJsonString());
            seen.AddRange(page["servers"]!.AsArray().Select(s => s!["serverName"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.That(seen, Is.EqualTo(new[] { "alpha", ApiFactory.AppServerName, "beta", "mid", "zeta" }));
        Assert.That(pages, Is.EqualTo(3));
    }

    [Test]
    public async Task Page_SearchMatchesNameTitleOrDescriptionCaseInsensitively_OnlyVisibleServers()
    {
        await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Github Tools" });
        await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Other", description = "Talks to GITHUB too" });
        await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Unrelated" });
        await CreateServerAsync(Bob, new { type = "sse", url = "https://a.example.com/sse", title = "Bobs Github" });

        using var response = await As(Alice).GetAsync("/api/mcp/servers?search=gitHub");
        var page = await ReadJsonAsync(response);
        Assert.That(page["servers"]!.AsArray().Select(s => s!["serverName"]!.GetValue<string>()), Is.EqualTo(new[] { "github-tools", "other" }));

        using var weather = await As(Alice).GetAsync("/api/mcp/servers?search=WEATHER");
        Assert.That((await ReadJsonAsync(weather))["servers"]!.AsArray().Select(s => s!["serverName"]!.GetValue<string>()), Is.EqualTo(new[] { ApiFactory.AppServerName }));
    }

    [TestCase("limit=0")]
    [TestCase("limit=101")]
    [TestCase("limit=abc")]
    [TestCase("cursor=%%%")]
    [TestCase("search=a")]
    public async Task Page_BadQuery_Is400(string query)
    {
        using var response = await As(Alice).GetAsync("/api/mcp/servers?" + query);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Get_ByOwnerGroupAndAdmin_ButNotByOthers()
    {
        var server = await CreateServerAsync(Alice, SseConfig);
        await SeeAsync(Carol);
        await ShareAsync(Alice, server["dbId"]!.GetValue<string>(), new { updated = new[] { new { type = "group", id = "team-a", accessRoleId = "mcpServer_viewer" } } });

        using var owner = await As(Alice).GetAsync("/api/mcp/servers/my-server");
        using var groupMember = await As(Carol).GetAsync("/api/mcp/servers/my-server");
        using var admin = await As(Admin).GetAsync("/api/mcp/servers/my-server");
        using var other = await As(Bob).GetAsync("/api/mcp/servers/my-server");
        using var missing = await As(Alice).GetAsync("/api/mcp/servers/no-such-server");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(owner.Headers.ETag?.Tag, Is.EqualTo("\"1\""));
            Assert.That(groupMember.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(admin.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await AssertProblemAsync(other, HttpStatusCode.Forbidden, "Forbidden", "Insufficient permissions to access this mcpServer");
        await AssertProblemAsync(missing, HttpStatusCode.NotFound, "Not Found", "mcpServer not found");
    }

    [Test]
    public async Task Patch_ViewerIsRefused_EditorMayEditButNotDelete_OwnerMayDelete()
    {
        var server = await CreateServerAsync(Alice, SseConfig);
        var dbId = server["dbId"]!.GetValue<string>();
        await SeeAsync(Bob, Carol);
        await ShareAsync(Alice, dbId, new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_viewer" }, new { type = "user", id = "carol", accessRoleId = "mcpServer_editor" } } });
        var update = new { config = new { type = "sse", url = "https://mcp.example.com/sse", title = "Renamed" } };

        using var viewerPatch = await As(Bob).PatchAsJsonAsync("/api/mcp/servers/my-server", update);
        await AssertProblemAsync(viewerPatch, HttpStatusCode.Forbidden, "Forbidden", "Insufficient permissions to access this mcpServer");
        using var editorPatch = await As(Carol).PatchAsJsonAsync("/api/mcp/servers/my-server", update);
        var patched = await ReadJsonAsync(editorPatch);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(editorPatch.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(patched["title"]!.GetValue<string>(), Is.EqualTo("Renamed"));
            Assert.That(patched["serverName"]!.GetValue<string>(), Is.EqualTo("my-server"), "names never change");
            Assert.That(patched["description"], Is.Null, "PATCH replaces the whole config");
            Assert.That(editorPatch.Headers.ETag?.Tag, Is.EqualTo("\"2\""));
        }

        using var editorDelete = await As(Carol).DeleteAsync("/api/mcp/servers/my-server");
        await AssertProblemAsync(editorDelete, HttpStatusCode.Forbidden, "Forbidden", "Insufficient permissions to access this mcpServer");
        using var ownerDelete = await As(Alice).DeleteAsync("/api/mcp/servers/my-server");
        Assert.That((await ReadJsonAsync(ownerDelete))["message"]!.GetValue<string>(), Is.EqualTo("MCP server deleted successfully"));
    }

    [Test]
    public async Task AdminMayEditAndDeleteAnyServer()
    {
        await CreateServerAsync(Alice, SseConfig);
        using var patch = await As(Admin).PatchAsJsonAsync("/api/mcp/servers/my-server", new { config = new { type = "sse", url = "https://mcp.example.com/sse", title = "By Admin" } });
        using var delete = await As(Admin).DeleteAsync("/api/mcp/servers/my-server");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task AppLevelServersAreReadOnly()
    {
        using var get = await As(Alice).GetAsync($"/api/mcp/servers/{ApiFactory.AppServerName}");
        using var patch = await As(Admin).PatchAsJsonAsync($"/api/mcp/servers/{ApiFactory.AppServerName}", new { config = SseConfig });
        using var delete = await As(Admin).DeleteAsync($"/api/mcp/servers/{ApiFactory.AppServerName}");
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var readOnly = $"MCP server '{ApiFactory.AppServerName}' is defined in configuration and is read-only";
        await AssertProblemAsync(patch, HttpStatusCode.Forbidden, "Forbidden", readOnly);
        await AssertProblemAsync(delete, HttpStatusCode.Forbidden, "Forbidden", readOnly);
    }

    [Test]
    public async Task Patch_KeepsAnOmittedSecret_AndDropsItWhenTheUrlChanges()
    {
        await CreateServerAsync(Alice, new { type = "sse", url = "https://mcp.example.com/sse", title = "Secretive", oauth = new { client_id = "cid", client_secret = "kept-secret" }, headers = new Dictionary<string, string> { ["X_Key"] = "header-secret" } });

        using var keep = await As(Alice).PatchAsJsonAsync("/api/mcp/servers/secretive", new { config = new { type = "sse", url = "https://mcp.example.com/sse", title = "Secretive", oauth = new { client_id = "cid" }, headers = new Dictionary<string, string> { ["X_Key"] = "********" } } });
        Assert.That(keep.StatusCode, Is.EqualTo(HttpStatusCode.OK), await keep.Content.ReadAsStringAsync());
        var afterKeep = await StoredConfigAsync("secretive");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(afterKeep.OAuth?.ClientSecret, Is.EqualTo("kept-secret"));
            Assert.That(afterKeep.Headers?["X_Key"], Is.EqualTo("header-secret"));
        }

        using var maskedHeaderAfterMove = await As(Alice).PatchAsJsonAsync("/api/mcp/servers/secretive", new { config = new { type = "sse", url = "https://elsewhere.example.com/sse", oauth = new { client_id = "cid" }, headers = new Dictionary<string, string> { ["X_Key"] = "********" } } });
        await AssertProblemAsync(maskedHeaderAfterMove, HttpStatusCode.BadRequest, message: "Invalid configuration");

        using var move = await As(Alice).PatchAsJsonAsync("/api/mcp/servers/secretive", new { config = new { type = "sse", url = "https://elsewhere.example.com/sse", oauth = new { client_id = "cid" } } });
        Assert.That(move.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await StoredConfigAsync("secretive")).OAuth?.ClientSecret, Is.Null);
    }

    [Test]
    public async Task Patch_UrlChangeInvalidatesEveryUsersTokensAndRegistrations()
    {
        var id = Guid.Parse((await CreateServerAsync(Alice, SseConfig))["dbId"]!.GetValue<string>());
        await TestDatabase.ScalarAsync<int>("INSERT INTO oauth_tokens (user_id, server_id, binding, access_token, version, updated_at) VALUES ('alice', $1, 'b', '\\x01'::bytea, 1, now()), ('bob', $1, 'b', '\\x01'::bytea, 1, now())", id);
        await TestDatabase.ScalarAsync<int>("INSERT INTO oauth_client_registrations (server_id, binding, issuer, client_id, created_at) VALUES ($1, 'b', 'https://as.example.com', 'c', now())", id);

        using var sameUrl = await As(Alice).PatchAsJsonAsync("/api/mcp/servers/my-server", new { config = SseConfig });
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_tokens"), Is.EqualTo(2));
        using var newUrl = await As(Alice).PatchAsJsonAsync("/api/mcp/servers/my-server", new { config = new { type = "sse", url = "https://new.example.com/sse" } });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(newUrl.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_tokens"), Is.Zero);
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_client_registrations"), Is.Zero);
        }
    }

    [Test]
    public async Task IfMatch_StaleVersionIs412_CurrentVersionSucceeds()
    {
        await CreateServerAsync(Alice, SseConfig);
        using var first = await PatchWithIfMatchAsync("\"1\"");
        using var stale = await PatchWithIfMatchAsync("\"1\"");
        using var garbage = await PatchWithIfMatchAsync("\"not-ours\"");
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(first.Headers.ETag?.Tag, Is.EqualTo("\"2\""));
        await AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        await AssertProblemAsync(garbage, HttpStatusCode.PreconditionFailed);

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, "/api/mcp/servers/my-server") { Headers = { { "If-Match", "\"1\"" } } };
        using var staleDeleteResponse = await As(Alice).SendAsync(staleDelete);
        await AssertProblemAsync(staleDeleteResponse, HttpStatusCode.PreconditionFailed);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/mcp/servers/my-server") { Headers = { { "If-Match", "\"2\"" } } };
        using var deleteResponse = await As(Alice).SendAsync(delete);
        Assert.That(deleteResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Delete_LeavesNoAclEntriesTokensOrCredentialRows()
    {
        var server = await CreateServerAsync(Alice, SseConfig);
        var id = Guid.Parse(server["dbId"]!.GetValue<string>());
        await SeeAsync(Bob);
        await ShareAsync(Alice, id.ToString(), new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_viewer" } }, @public = false });
        await TestDatabase.ScalarAsync<int>("INSERT INTO credential_variables (user_id, server_id, binding, name, value, updated_at) VALUES ('bob', $1, 'b', 'API_KEY', '\\x01'::bytea, now())", id);
        await TestDatabase.ScalarAsync<int>("INSERT INTO oauth_tokens (user_id, server_id, binding, access_token, version, updated_at) VALUES ('bob', $1, 'b', '\\x01'::bytea, 1, now())", id);
        await TestDatabase.ScalarAsync<int>("INSERT INTO oauth_client_registrations (server_id, binding, issuer, client_id, created_at) VALUES ($1, 'b', 'https://as.example.com', 'c', now())", id);
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE resource_id = $1", id), Is.EqualTo(2));

        using var response = await As(Alice).DeleteAsync("/api/mcp/servers/my-server");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE resource_id = $1", id), Is.Zero);
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM credential_variables"), Is.Zero);
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_tokens"), Is.Zero);
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM oauth_client_registrations"), Is.Zero);
        }

        using var gone = await As(Alice).GetAsync("/api/mcp/servers/my-server");
        await AssertProblemAsync(gone, HttpStatusCode.NotFound, "Not Found", "mcpServer not found");
    }

    [Test]
    public async Task Secrets_AreNeverReturnedOrLogged_AndStoredOnlyAsCiphertext()
    {
        const string clientSecret = "client-secret-XYZZY-0001";
        const string headerSecret = "header-secret-PLUGH-0002";
        var bodies = new List<string>();
        using (var create = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://mcp.example.com/sse", title = "Vault", oauth = new { client_id = "cid", client_secret = clientSecret }, headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + headerSecret } } }))
        {
            bodies.Add(await create.Content.ReadAsStringAsync());
        }

        foreach (var path in new[] { "/api/mcp/servers", "/api/mcp/servers/vault", "/api/mcp/servers?limit=5", "/api/mcp/servers?search=vault" })
        {
            using var response = await As(Alice).GetAsync(path);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        using (var patch = await As(Alice).PatchAsJsonAsync("/api/mcp/servers/vault", new { config = new { type = "sse", url = "https://mcp.example.com/sse", title = "Vault", oauth = new { client_id = "cid" }, headers = new Dictionary<string, string> { ["Authorization"] = "********" } } }))
        {
            bodies.Add(await patch.Content.ReadAsStringAsync());
        }

        var database = await TestDatabase.DumpAsync("mcp_servers", "audit_log");
        using (Assert.EnterMultipleScope())
        {
            foreach (var secret in new[] { clientSecret, headerSecret, "app-level-secret-value" })
            {
                Assert.That(bodies, Has.None.Contains(secret), "response bodies");
                Assert.That(Api.Logs.Lines, Has.None.Contains(secret), "log lines");
                Assert.That(database, Does.Not.Contain(secret), "database");
            }
        }

        Assert.That((await StoredConfigAsync("vault")).OAuth?.ClientSecret, Is.EqualTo(clientSecret), "the ciphertext decrypts to the secret");
    }

    private async Task<HttpResponseMessage> PatchWithIfMatchAsync(string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, "/api/mcp/servers/my-server")
        {
            Content = JsonContent.Create(new { config = SseConfig }),
            Headers = { { "If-Match", etag } },
        };
        return await As(Alice).SendAsync(request);
    }

    /// <summary>The config as the repository decrypts it (the API never returns secrets, so this is how to see them).</summary>
    private async Task<McpServerConfig> StoredConfigAsync(string name)
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<IServerQueries>().FindAsync(name, [PrincipalKey.Public], CancellationToken.None);
        return found?.Server.Config ?? throw new AssertionException($"server {name} not stored");
    }
}
