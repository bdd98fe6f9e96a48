using System.Net;
using System.Net.Http.Json;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Api;

public sealed class SharingApiTests : ApiTest
{
    private async Task<string> AlicesServerAsync() =>
        (await CreateServerAsync(Alice, new { type = "sse", url = "https://mcp.example.com/sse", title = "Shared" }))["dbId"]!.GetValue<string>();

    [Test]
    public async Task Roles_ListsTheThreeAccessRoles()
    {
        using var response = await As(Bob).GetAsync("/api/permissions/mcpServer/roles");
        var roles = (await ReadJsonAsync(response)).AsArray();
        Assert.That(roles.Select(r => (r!["accessRoleId"]!.GetValue<string>(), r["permBits"]!.GetValue<int>())),
            Is.EqualTo(new[] { ("mcpServer_viewer", 1), ("mcpServer_editor", 3), ("mcpServer_owner", 15) }));
    }

    [Test]
    public async Task Owner_SeesTheirOwnerEntry_OthersAreRefused()
    {
        var dbId = await AlicesServerAsync();
        using var owner = await As(Alice).GetAsync($"/api/permissions/mcpServer/{dbId}");
        var body = await ReadJsonAsync(owner);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body["resourceId"]!.GetValue<string>(), Is.EqualTo(dbId));
            Assert.That(body["public"]!.GetValue<bool>(), Is.False);
            Assert.That(body["principals"]![0]!["id"]!.GetValue<string>(), Is.EqualTo("alice"));
            Assert.That(body["principals"]![0]!["name"]!.GetValue<string>(), Is.EqualTo("Alice"));
            Assert.That(body["principals"]![0]!["accessRoleId"]!.GetValue<string>(), Is.EqualTo("mcpServer_owner"));
        }

        using var other = await As(Bob).GetAsync($"/api/permissions/mcpServer/{dbId}");
        await AssertProblemAsync(other, HttpStatusCode.Forbidden, "Forbidden", "Insufficient permissions to access this mcpServer");
        using var missing = await As(Bob).GetAsync($"/api/permissions/mcpServer/{Guid.NewGuid()}");
        await AssertProblemAsync(missing, HttpStatusCode.NotFound, "Not Found", "mcpServer not found");
        using var notAnId = await As(Bob).GetAsync("/api/permissions/mcpServer/my-server");
        await AssertProblemAsync(notAnId, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task ShareAddChangeRemove_GrantsAndRevokesAccess()
    {
        var dbId = await AlicesServerAsync();
        await SeeAsync(Bob);

        await ShareAsync(Alice, dbId, new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_viewer" } } });
        using (var view = await As(Bob).GetAsync("/api/mcp/servers/shared"))
        using (var edit = await As(Bob).PatchAsJsonAsync("/api/mcp/servers/shared", new { config = new { type = "sse", url = "https://mcp.example.com/sse" } }))
        {
            Assert.That(view.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(edit.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        await ShareAsync(Alice, dbId, new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_editor" } } });
        using (var edit = await As(Bob).PatchAsJsonAsync("/api/mcp/servers/shared", new { config = new { type = "sse", url = "https://mcp.example.com/sse", title = "Shared" } }))
        using (var effective = await As(Bob).GetAsync($"/api/permissions/mcpServer/{dbId}/effective"))
        {
            Assert.That(edit.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await ReadJsonAsync(effective))["permissionBits"]!.GetValue<int>(), Is.EqualTo(3));
        }

        await ShareAsync(Alice, dbId, new { removed = new[] { new { type = "user", id = "bob" } } });
        using var afterRemoval = await As(Bob).GetAsync("/api/mcp/servers/shared");
        Assert.That(afterRemoval.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE principal_id = 'bob'"), Is.Zero);
    }

    [Test]
    public async Task Public_NeedsSharePublic_ThenEveryoneCanView()
    {
        var dbId = await AlicesServerAsync();
        var body = new { @public = true, publicAccessRoleId = "mcpServer_viewer" };
        using (var refused = await As(Alice).PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", body))
        {
            await AssertProblemAsync(refused, HttpStatusCode.Forbidden, message: "Forbidden: Insufficient permissions");
        }

        using (var grant = await As(Admin).PutAsJsonAsync("/api/roles/user/mcp-servers", new { SHARE_PUBLIC = true }))
        {
            Assert.That(grant.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await ShareAsync(Alice, dbId, body);
        using var stranger = await As(Bob).GetAsync("/api/mcp/servers/shared");
        using var list = await As(Bob).GetAsync("/api/mcp/servers");
        using var perms = await As(Alice).GetAsync($"/api/permissions/mcpServer/{dbId}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stranger.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await ReadJsonAsync(list)).AsObject().ContainsKey("shared"), Is.True);
            Assert.That((await ReadJsonAsync(perms))["public"]!.GetValue<bool>(), Is.True);
        }

        await ShareAsync(Alice, dbId, new { @public = false });
        using var afterwards = await As(Bob).GetAsync("/api/mcp/servers/shared");
        Assert.That(afterwards.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task GroupAndRoleShares_ReachTheirMembers()
    {
        var dbId = await AlicesServerAsync();
        await SeeAsync(Carol);
        // A role reaches every user, so sharing with one takes SHARE_PUBLIC, which admins hold.
        await ShareAsync(Admin, dbId, new { updated = new[] { new { type = "role", id = "user", accessRoleId = "mcpServer_viewer" } } });
        using (var byRole = await As(Bob).GetAsync("/api/mcp/servers/shared"))
        {
            Assert.That(byRole.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await ShareAsync(Alice, dbId, new { removed = new[] { new { type = "role", id = "USER" } }, updated = new[] { new { type = "group", id = "team-a", accessRoleId = "mcpServer_editor" } } });
        using var member = await As(Carol).PatchAsJsonAsync("/api/mcp/servers/shared", new { config = new { type = "sse", url = "https://mcp.example.com/sse", title = "Shared" } });
        using var nonMember = await As(Bob).GetAsync("/api/mcp/servers/shared");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(member.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(nonMember.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
    }

    [Test]
    public async Task TheLastOwnerCannotBeRemoved_OwnershipMovesByGrantingFirst()
    {
        var dbId = await AlicesServerAsync();
        await SeeAsync(Bob);
        using (var refused = await As(Alice).PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", new { removed = new[] { new { type = "user", id = "alice" } } }))
        {
            await AssertProblemAsync(refused, HttpStatusCode.BadRequest, error: "Failed to update permissions");
        }

        await ShareAsync(Alice, dbId, new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_owner" } }, removed = new[] { new { type = "user", id = "alice" } } });
        using var bobDeletes = await As(Bob).DeleteAsync("/api/mcp/servers/shared");
        Assert.That(bobDeletes.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("""{"updated":[{"type":"user","id":"nobody","accessRoleId":"mcpServer_viewer"}]}""")]
    [TestCase("""{"updated":[{"type":"user","id":"bob","accessRoleId":"mcpServer_god"}]}""")]
    [TestCase("""{"updated":[{"type":"user","id":"bob"}]}""")]
    [TestCase("""{"updated":[{"type":"martian","id":"bob","accessRoleId":"mcpServer_viewer"}]}""")]
    [TestCase("""{"updated":[{"type":"role","id":"KING","accessRoleId":"mcpServer_viewer"}]}""")]
    [TestCase("""{"updated":"not-a-list"}""")]
    public async Task BadShareRequests_Are400_AndChangeNothing(string json)
    {
        var dbId = await AlicesServerAsync();
        await SeeAsync(Bob);
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await As(Alice).PutAsync($"/api/permissions/mcpServer/{dbId}", content);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, error: json.Contains("not-a-list", StringComparison.Ordinal) ? null : "Failed to update permissions");
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries"), Is.EqualTo(1));
    }

    [Test]
    public async Task SharingNeedsTheRoleSharePermission()
    {
        var dbId = await AlicesServerAsync();
        using (var revoke = await As(Admin).PutAsJsonAsync("/api/roles/USER/mcp-servers", new { SHARE = false }))
        {
            Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var get = await As(Alice).GetAsync($"/api/permissions/mcpServer/{dbId}");
        using var search = await As(Alice).GetAsync("/api/permissions/search-principals?q=bo");
        await AssertProblemAsync(get, HttpStatusCode.Forbidden, message: "Forbidden: Insufficient permissions");
        await AssertProblemAsync(search, HttpStatusCode.Forbidden, message: "Forbidden: Insufficient permissions");
    }

    [Test]
    public async Task EffectiveAll_MapsEveryVisibleServerToTheCallersBits()
    {
        var dbId = await AlicesServerAsync();
        var bobs = (await CreateServerAsync(Bob, new { type = "sse", url = "https://mcp.example.com/sse", title = "Bobs" }))["dbId"]!.GetValue<string>();
        await SeeAsync(Alice);
        await ShareAsync(Bob, bobs, new { updated = new[] { new { type = "group", id = "team-a", accessRoleId = "mcpServer_viewer" } } });
        using var response = await As(Alice).GetAsync("/api/permissions/mcpServer/effective/all");
        var map = (await ReadJsonAsync(response)).AsObject();
        Assert.That(map.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>()), Is.EquivalentTo(new Dictionary<string, int> { [dbId] = 15, [bobs] = 1 }));
    }

    [Test]
    public async Task SearchPrincipals_FindsRecordedUsersGroupsAndRoles()
    {
        await SeeAsync(Alice, Bob, Carol);
        using var users = await As(Alice).GetAsync("/api/permissions/search-principals?q=bo&types=user");
        var body = await ReadJsonAsync(users);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()), Is.EqualTo(new[] { "bob" }));
            Assert.That(body["results"]![0]!["email"]!.GetValue<string>(), Is.EqualTo("bob@example.com"));
            Assert.That(body["count"]!.GetValue<int>(), Is.EqualTo(1));
        }

        using var groups = await As(Alice).GetAsync("/api/permissions/search-principals?q=team&types=group");
        Assert.That((await ReadJsonAsync(groups))["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()), Is.EquivalentTo(new[] { "team-a", "team-b" }));
        using var roles = await As(Alice).GetAsync("/api/permissions/search-principals?q=adm&types=role");
        Assert.That((await ReadJsonAsync(roles))["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()), Is.EqualTo(new[] { "ADMIN" }));
        using var wildcard = await As(Alice).GetAsync("/api/permissions/search-principals?q=%25%25");
        Assert.That((await ReadJsonAsync(wildcard))["count"]!.GetValue<int>(), Is.Zero, "LIKE wildcards match literally");
        using var tooShort = await As(Alice).GetAsync("/api/permissions/search-principals?q=b");
        await AssertProblemAsync(tooShort, HttpStatusCode.BadRequest, error: "Query must be at least 2 characters long");
        using var missing = await As(Alice).GetAsync("/api/permissions/search-principals");
        await AssertProblemAsync(missing, HttpStatusCode.BadRequest, error: "Query parameter \"q\" is required and must not be empty");
    }
}
