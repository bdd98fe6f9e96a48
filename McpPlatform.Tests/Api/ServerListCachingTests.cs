using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Api;

/// <summary>The unpaged list as a polling SPA reads it: rendered from members kept per server view, with a strong
/// ETag that answers 304 until a change the caller can see, and only then.</summary>
public sealed class ServerListCachingTests : ApiTest
{
    private static object Config(string title) => new { type = "sse", url = "https://mcp.example.com/sse", title, description = $"About {title}: 漢字 ж 𠀀" };

    private async Task<(HttpStatusCode Status, string? ETag, JsonObject? Map)> ListAsync(Caller caller, string? ifNoneMatch = null, string path = "/api/mcp/servers")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        }

        using var response = await As(caller).SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Headers.ETag?.ToString(), body.Length == 0 ? null : JsonNode.Parse(body)!.AsObject());
    }

    [Test]
    public async Task EachServerInTheMap_IsWhatItsOwnRouteShows()
    {
        await CreateServerAsync(Alice, Config("First"));
        await CreateServerAsync(Alice, Config("Second"));

        var (_, _, map) = await ListAsync(Alice);

        Assert.That(map!.Select(kv => kv.Key), Is.SupersetOf(new[] { "first", "second" }));
        foreach (var name in new[] { "first", "second" })
        {
            using var one = await As(Alice).GetAsync($"/api/mcp/servers/{name}");
            Assert.That(JsonNode.DeepEquals(map![name], await ReadJsonAsync(one)), Is.True, name);
        }
    }

    [Test]
    public async Task IfNoneMatch_Answers304_UntilAChangeTheCallerCanSee_AndOnlyThen()
    {
        var dbId = (await CreateServerAsync(Bob, Config("Bobs")))["dbId"]!.GetValue<string>();
        await CreateServerAsync(Alice, Config("Alices"));
        var (status, etag, _) = await ListAsync(Alice);
        Assert.That((status, etag), Is.Not.EqualTo((HttpStatusCode.OK, (string?)null)));

        var unchanged = await ListAsync(Alice, etag);
        await CreateServerAsync(Carol, Config("Elsewhere"));
        var afterWriteElsewhere = await ListAsync(Alice, etag);
        await ShareAsync(Bob, dbId, new { updated = new[] { new { type = "user", id = "alice", accessRoleId = "mcpServer_viewer" } } });
        var afterShare = await ListAsync(Alice, etag);
        using (var patch = await As(Alice).PatchAsJsonAsync("/api/mcp/servers/alices", new { config = Config("Alices") }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var afterOwnUpdate = await ListAsync(Alice, afterShare.ETag);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(unchanged.Status, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(unchanged.Map, Is.Null, "no body");
            Assert.That(afterWriteElsewhere.Status, Is.EqualTo(HttpStatusCode.NotModified), "another user's private server is not in Alice's list");
            Assert.That(afterShare.Status, Is.EqualTo(HttpStatusCode.OK), "shared with her: the list changed");
            Assert.That(afterShare.Map!.ContainsKey("bobs"), Is.True);
            Assert.That(afterShare.ETag, Is.Not.EqualTo(etag));
            Assert.That(afterOwnUpdate.Status, Is.EqualTo(HttpStatusCode.OK), "her own server changed");
        }
    }

    [Test]
    public async Task AnotherCallersTag_DoesNotMatch_AListWithOtherServers()
    {
        await CreateServerAsync(Alice, Config("Hers"));
        await CreateServerAsync(Bob, Config("His"));
        var (_, alices, _) = await ListAsync(Alice);

        var (status, _, map) = await ListAsync(Bob, alices);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(map!.ContainsKey("his"), Is.True);
    }

    [Test]
    public async Task PublicAndOwnServers_AreMergedInNameOrder_EachOnce_AndAPublicChangeReachesEveryone()
    {
        await SeeAsync(Alice, Bob);
        var publicBody = new { @public = true, publicAccessRoleId = "mcpServer_viewer" };
        foreach (var title in new[] { "Alpha", "Charlie", "Echo" })
        {
            var dbId = (await CreateServerAsync(Admin, Config(title)))["dbId"]!.GetValue<string>();
            await ShareAsync(Admin, dbId, publicBody);
            if (title == "Echo")
            {
                await ShareAsync(Admin, dbId, new { updated = new[] { new { type = "user", id = "alice", accessRoleId = "mcpServer_viewer" } } });
            }
        }

        await CreateServerAsync(Alice, Config("Bravo"));
        await CreateServerAsync(Alice, Config("Delta"));
        var (_, bobsTag, _) = await ListAsync(Bob);

        using var response = await As(Alice).GetAsync("/api/mcp/servers");
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        using (var patch = await As(Admin).PatchAsJsonAsync("/api/mcp/servers/charlie", new { config = Config("Charlie") }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var afterPublicChange = await ListAsync(Bob, bobsTag);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(names.Where(n => n is "alpha" or "bravo" or "charlie" or "delta" or "echo"), Is.EqualTo(new[] { "alpha", "bravo", "charlie", "delta", "echo" }));
            Assert.That(names, Is.Unique, "a server public and shared with her is listed once");
            Assert.That(afterPublicChange.Status, Is.EqualTo(HttpStatusCode.OK), "a change to a public server changes everyone's list");
        }
    }

    [Test]
    public async Task ConnectionStatus_Answers304_WhileUnchanged_And200WithTheNewServerAfterwards()
    {
        await CreateServerAsync(Alice, Config("Polled"));
        var (status, etag, body) = await ListAsync(Alice, path: "/api/mcp/connection/status");
        var unchanged = await ListAsync(Alice, etag, "/api/mcp/connection/status");
        await CreateServerAsync(Alice, Config("Added"));
        var changed = await ListAsync(Alice, etag, "/api/mcp/connection/status");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body!["success"]!.GetValue<bool>(), Is.True);
            Assert.That(body["connectionStatus"]!["polled"]!["connectionState"]!.GetValue<string>(), Is.EqualTo("disconnected"));
            Assert.That(body["connectionStatus"]!["polled"]!["requiresOAuth"]!.GetValue<bool>(), Is.False);
            Assert.That(unchanged.Status, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(changed.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(changed.Map!["connectionStatus"]!.AsObject().ContainsKey("added"), Is.True);
        }
    }
}
