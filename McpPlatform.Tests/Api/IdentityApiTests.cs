using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using McpPlatform.Api.Auth;
using McpPlatform.Domain.Identity;
using McpPlatform.Infrastructure.Persistence;
using McpPlatform.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Api;

public sealed class IdentityApiTests : ApiTest
{
    [TestCase("GET", "/api/mcp/servers")]
    [TestCase("POST", "/api/mcp/servers")]
    [TestCase("GET", "/api/mcp/servers/x")]
    [TestCase("PATCH", "/api/mcp/servers/x")]
    [TestCase("DELETE", "/api/mcp/servers/x")]
    [TestCase("GET", "/api/permissions/mcpServer/roles")]
    [TestCase("GET", "/api/roles/USER")]
    [TestCase("GET", "/api/admin/audit")]
    public async Task WithoutAToken_Is401ProblemDetails(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { config = new { } }) };
        using var response = await As(null).SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthorized", "Authentication required");
    }

    [Test]
    public async Task ForgedExpiredAndUnsignedTokens_Are401()
    {
        var wrongKey = new AuthOptions { Jwt = { SigningKey = "another-signing-key-that-is-long-enough-0123456789" } };
        var forged = TokenIssuer.Issue(wrongKey, new TokenRequest("alice", "ADMIN"), DateTimeOffset.UtcNow);
        var expired = TokenIssuer.Issue(ApiFactory.Auth, new TokenRequest("alice", "ADMIN", Minutes: 1), DateTimeOffset.UtcNow.AddHours(-1));
        var header = Base64Url("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64Url($$"""{"sub":"alice","role":"ADMIN","iss":"mcp-platform","aud":"mcp-platform","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""");
        foreach (var token in new[] { forged, expired, $"{header}.{payload}.", "garbage" })
        {
            using var client = As(null);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.GetAsync("/api/mcp/servers");
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
        }
    }

    [Test]
    public async Task RolePermissionDenial_IsLibreChats403Body()
    {
        using (var revoke = await As(Admin).PutAsJsonAsync("/api/roles/user/mcp-servers", new { USE = false }))
        {
            Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var list = await As(Alice).GetAsync("/api/mcp/servers");
        using var create = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://a.example.com/sse" } });
        await AssertProblemAsync(list, HttpStatusCode.Forbidden, message: "Forbidden: Insufficient permissions");
        await AssertProblemAsync(create, HttpStatusCode.Forbidden, message: "Forbidden: Insufficient permissions");
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM mcp_servers"), Is.Zero);
    }

    [Test]
    public async Task WithoutCreate_ReadsWorkButWritesAreRefused()
    {
        using (var revoke = await As(Admin).PutAsJsonAsync("/api/roles/USER/mcp-servers", new { CREATE = false }))
        {
            var role = await ReadJsonAsync(revoke);
            Assert.That(role["permissions"]!["MCP_SERVERS"]!["CREATE"]!.GetValue<bool>(), Is.False);
            Assert.That(role["permissions"]!["MCP_SERVERS"]!["USE"]!.GetValue<bool>(), Is.True);
        }

        using var list = await As(Alice).GetAsync("/api/mcp/servers");
        using var create = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://a.example.com/sse" } });
        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AssertProblemAsync(create, HttpStatusCode.Forbidden, message: "Forbidden: Insufficient permissions");
    }

    [Test]
    public async Task Roles_UserReadsOwnRoleOnly_AdminReadsAndChangesAny()
    {
        using var own = await As(Alice).GetAsync("/api/roles/user");
        var role = await ReadJsonAsync(own);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(role["name"]!.GetValue<string>(), Is.EqualTo("USER"));
            Assert.That(role["permissions"]!["MCP_SERVERS"]!["SHARE"]!.GetValue<bool>(), Is.True, "users may share by default");
            Assert.That(role["permissions"]!["MCP_SERVERS"]!["SHARE_PUBLIC"]!.GetValue<bool>(), Is.False);
        }

        using var other = await As(Alice).GetAsync("/api/roles/ADMIN");
        await AssertProblemAsync(other, HttpStatusCode.Forbidden, message: "Unauthorized");
        using var adminReads = await As(Admin).GetAsync("/api/roles/user");
        Assert.That(adminReads.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var userWrites = await As(Alice).PutAsJsonAsync("/api/roles/USER/mcp-servers", new { SHARE = true });
        await AssertProblemAsync(userWrites, HttpStatusCode.Forbidden, message: "Forbidden");
        using var unknown = await As(Admin).PutAsJsonAsync("/api/roles/KING/mcp-servers", new { SHARE = true });
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, message: "Role not found");
        foreach (var bad in new[] { """{"USE":"yes"}""", """{"FLY":true}""", "[]" })
        {
            using var content = new StringContent(bad, Encoding.UTF8, "application/json");
            using var response = await As(Admin).PutAsync("/api/roles/USER/mcp-servers", content);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, message: "Invalid MCP servers permissions.");
        }
    }

    [Test]
    public async Task UsersAndGroupsAreRecordedOnFirstSight()
    {
        var dana = new Caller("dana", SystemRoles.User, ["g1", "g2"], "Dana", "dana@example.com");
        await SeeAsync(dana);
        Assert.That(await TestDatabase.ScalarAsync<string>("SELECT email FROM users WHERE id = 'dana'"), Is.EqualTo("dana@example.com"));
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM group_members WHERE user_id = 'dana'"), Is.EqualTo(2));
    }

    [Test]
    public async Task RecordingAUser_RelaxesOnlyItsOwnCommit_NotTheConnections()
    {
        // The record commits without waiting for the WAL flush; a pooled connection must not keep that setting, or
        // later writes on it (tokens) would lose their durability.
        await using var scope = Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("SET synchronous_commit = on");   // the test cluster runs with it off
        await scope.ServiceProvider.GetRequiredService<IPrincipalDirectory>().RecordAsync(new Caller("fay", SystemRoles.User, ["g1"]), CancellationToken.None);

        var setting = await db.Database.SqlQueryRaw<string>("SELECT current_setting('synchronous_commit') AS \"Value\"").SingleAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(setting, Is.EqualTo("on"));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM users WHERE id = 'fay'"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task ChangedClaims_UpdateTheUserAndTheirMemberships()
    {
        await SeeAsync(new Caller("erin", SystemRoles.User, ["g1", "g2"], "Erin", "erin@example.com"));
        await SeeAsync(new Caller("erin", SystemRoles.User, ["g2", "g-new"], "Erin B", "erin@example.com"));

        var groups = await TestDatabase.ScalarAsync<string>("SELECT string_agg(group_id, ',' ORDER BY group_id) FROM group_members WHERE user_id = 'erin'");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(groups, Is.EqualTo("g-new,g2"), "left g1, joined g-new (a group first seen here)");
            Assert.That(await TestDatabase.ScalarAsync<string>("SELECT name FROM users WHERE id = 'erin'"), Is.EqualTo("Erin B"));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM groups WHERE id = 'g-new'"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Audit_RecordsServerAndAclChanges_ForAdminsOnly()
    {
        var server = await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Audited" });
        await SeeAsync(Bob);
        await ShareAsync(Alice, server["dbId"]!.GetValue<string>(), new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_viewer" } } });
        using (var delete = await As(Alice).DeleteAsync("/api/mcp/servers/audited"))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var response = await As(Admin).GetAsync($"/api/admin/audit?resource={server["dbId"]}");
        var entries = (await ReadJsonAsync(response))["entries"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(entries.Select(e => e!["action"]!.GetValue<string>()), Is.EqualTo(new[] { "server.deleted", "acl.changed", "server.created" }));
            Assert.That(entries.Select(e => e!["actorId"]!.GetValue<string>()).Distinct(), Is.EqualTo(new[] { "alice" }));
        }

        using var page = await As(Admin).GetAsync($"/api/admin/audit?resource={server["dbId"]}&limit=2");
        var first = await ReadJsonAsync(page);
        using var rest = await As(Admin).GetAsync($"/api/admin/audit?resource={server["dbId"]}&limit=2&cursor={first["nextCursor"]}");
        Assert.That((await ReadJsonAsync(rest))["entries"]!.AsArray().Single()!["action"]!.GetValue<string>(), Is.EqualTo("server.created"));

        using var refused = await As(Alice).GetAsync("/api/admin/audit");
        await AssertProblemAsync(refused, HttpStatusCode.Forbidden, message: "Forbidden");
    }

    [Test]
    public async Task HealthAndSwaggerAreServed()
    {
        using var live = await As(null).GetAsync("/health/live");
        using var ready = await As(null).GetAsync("/health/ready");
        using var swagger = await As(null).GetAsync("/swagger/v1/swagger.json");
        var readiness = await ReadJsonAsync(ready);
        var document = await swagger.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(readiness["checks"]!["postgres"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
            Assert.That(document, Does.Contain("\"/api/mcp/servers/{serverName}\""));
            Assert.That(document, Does.Contain("\"bearer\""));
            Assert.That(document, Does.Not.Contain("text/plain"), "responses are offered as JSON, not text/plain");
        }
    }

    [Test]
    public async Task UnknownRoute_IsAProblemDetails404()
    {
        using var response = await As(Alice).GetAsync("/api/nothing-here");
        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
