using System.Net;
using System.Text;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Api;

/// <summary>Text PostgreSQL cannot store (NUL, lone surrogates) is a 400 naming the parameter or member, wherever it
/// comes from — query, body, token — and nothing is stored. It used to reach the database and answer 500.</summary>
public sealed class StorableTextTests : ApiTest
{
    [TestCase("/api/admin/audit?resource=%00%01", "resource")]
    [TestCase("/api/admin/audit?actor=a%00", "actor")]
    [TestCase("/api/mcp/servers?search=a%00b", "search")]
    [TestCase("/api/mcp/servers?limit=5&cursor=%00%00", "cursor")]
    [TestCase("/api/permissions/search-principals?q=al%00", "q")]
    [TestCase("/api/mcp/tools?x%00=1", "x_")]
    public async Task NulInAQueryValue_Is400NamingTheParameter(string path, string field)
    {
        using var response = await As(Admin).GetAsync(path);

        await AssertRefusedAsync(response, field, "Invalid request");
    }

    [Test]
    public async Task NulInAServerConfig_Is400NamingTheMember_AndNothingIsStored()
    {
        using var create = await As(Alice).PostAsync("/api/mcp/servers", JsonBody("""{"config":{"type":"sse","url":"https://a.example.com/sse","title":"Nul","description":"a\u0000b"}}"""));
        await AssertRefusedAsync(create, "description", "Invalid configuration");

        var server = await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Kept" });
        using var patch = await As(Alice).PatchAsync($"/api/mcp/servers/{server["serverName"]}", JsonBody("""{"config":{"type":"sse","url":"https://a.example.com/sse","title":"Kept","customUserVars":{"KEY":{"title":"Key","description":"\u0000"}}}}"""));
        await AssertRefusedAsync(patch, "customUserVars.KEY.description", "Invalid configuration");
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM mcp_servers"), Is.EqualTo(1));
    }

    [TestCase("PUT", "/api/permissions/mcpServer/{dbId}", """{"updated":[{"type":"user","id":"bob","accessRoleId":"mcpServer_viewer"},{"type":"user","id":"bob\u0000","accessRoleId":"mcpServer_viewer"}]}""", "updated[1].id", "Failed to update permissions")]
    [TestCase("POST", "/api/user/plugins", """{"pluginKey":"mcp_shared","action":"install","auth":{"K\u0000":"v"}}""", "auth.K_", "Invalid request")]
    [TestCase("PUT", "/api/roles/USER/mcp-servers", """{"\ud800":true}""", "?", "Invalid request")]
    [TestCase("PUT", "/api/roles/USER/mcp-servers", """{"USE":true,"\u0000":true}""", "_", "Invalid request")]
    [TestCase("POST", "/api/mcp/shared/tools/echo/call", """{"arguments":{"text":"x\udc00"}}""", "arguments.text", "Invalid request")]
    [TestCase("POST", "/api/mcp/servers", """{"config":{"type":"sse","url":"https://a.example.com/sse","title":"Pair","description":"\ud83d"}}""", "description", "Invalid configuration")]
    public async Task NulOrLoneSurrogateInABody_Is400NamingTheMember(string method, string path, string json, string field, string message)
    {
        await SeeAsync(Alice, Bob);
        var server = await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Shared" });
        var caller = path.StartsWith("/api/roles/", StringComparison.Ordinal) ? Admin : Alice;

        using var response = await As(caller).SendAsync(new HttpRequestMessage(new HttpMethod(method), path.Replace("{dbId}", server["dbId"]!.GetValue<string>(), StringComparison.Ordinal))
        {
            Content = JsonBody(json),
        });

        await AssertRefusedAsync(response, field, message);
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE principal_id LIKE 'bob%'"), Is.Zero, "a refused share stores nothing");
    }

    [Test]
    public async Task NulInAUtf16Body_Is400()
    {
        using var response = await As(Alice).PostAsync("/api/mcp/servers", new ByteArrayContent(Encoding.Unicode.GetBytes("""{"config":{"type":"sse","url":"https://a.example.com/sse","title":"Wide","description":"\u0000"}}"""))
        {
            Headers = { { "Content-Type", "application/json; charset=utf-16" } },
        });

        await AssertRefusedAsync(response, "description", "Invalid configuration");
    }

    [Test]
    public async Task NulInATokenClaim_Is400NamingTheClaim_AndTheUserIsNotRecorded()
    {
        var caller = new Caller("nul-name", SystemRoles.User, ["team\u0000x"], "Eve\u0000", null);

        using var response = await As(caller).GetAsync("/api/mcp/servers");

        await AssertRefusedAsync(response, "token.name", "Invalid request");
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM users WHERE id = 'nul-name'"), Is.Zero);
    }

    /// <summary>Every request of such a caller was a 500 (22001: value too long, while recording them).</summary>
    [TestCase("sub", 257)]
    [TestCase("name", 257)]
    [TestCase("email", 321)]
    [TestCase("role", 65)]
    [TestCase("groups", 257)]
    public async Task OverlongTokenClaim_Is400NamingTheClaim(string claim, int length)
    {
        var text = new string('x', length);
        var caller = new Caller(claim == "sub" ? text : "long-" + claim, claim == "role" ? text : SystemRoles.User, claim == "groups" ? ["team-a", text] : [],
            claim == "name" ? text : "Long", claim == "email" ? text : null);

        using var response = await As(caller).GetAsync("/api/mcp/servers");

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, message: "Invalid request");
        Assert.That(body["errors"]![0]!["path"]!.GetValue<string>(), Is.EqualTo($"token.{claim}"));
        Assert.That(body["errors"]![0]!["message"]!.GetValue<string>(), Does.Contain($"at most {length - 1} characters"));
    }

    [Test]
    public async Task TokenClaimsAtTheirLimits_AreRecorded()
    {
        var caller = new Caller(new string('s', 256), SystemRoles.User, [new string('g', 256)], new string('n', 256), new string('e', 320));

        using var response = await As(caller).GetAsync("/api/mcp/servers");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM users WHERE length(id) = 256 AND length(email) = 320"), Is.EqualTo(1));
    }

    [Test]
    public async Task SurrogatePairsAndOtherUnicode_AreStoredAsSent()
    {
        var server = await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Smile", description = "😀 \u202E\u200B ß İ \t ok" });

        using var read = await As(Alice).GetAsync($"/api/mcp/servers/{server["serverName"]}");
        using var search = await As(Alice).GetAsync("/api/mcp/servers?search=%F0%9F%98%80");

        Assert.That((await ReadJsonAsync(read))["description"]!.GetValue<string>(), Is.EqualTo("😀 \u202E\u200B ß İ \t ok"));
        Assert.That(search.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field, string message)
    {
        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, message: message);
        var errors = body["errors"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.Select(e => e!["path"]!.GetValue<string>()), Is.EqualTo(new[] { field }), body.ToJsonString());
            Assert.That(errors[0]!["code"]!.GetValue<string>(), Is.EqualTo("invalid_string"));
            Assert.That(errors[0]!["message"]!.GetValue<string>(), Does.Contain("U+0000").Or.Contain("surrogate"));
        }
    }
}
