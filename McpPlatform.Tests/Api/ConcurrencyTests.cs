using System.Net;
using System.Net.Http.Json;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Api;

/// <summary>Concurrent writers: no lost updates, no duplicates, no deadlock surfacing as a 500.</summary>
public sealed class ConcurrencyTests : ApiTest
{
    [Test]
    public async Task FiftyConcurrentCreatesWithOneTitle_AllSucceedWithDistinctNames()
    {
        var callers = Enumerable.Range(0, 50).Select(i => new Caller($"c{i}", SystemRoles.User, [])).ToList();
        var responses = await Task.WhenAll(callers.Select(c => As(c).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://a.example.com/sse", title = "Crowd" } })));
        var names = new List<string>();
        foreach (var response in responses)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
            names.Add((await ReadJsonAsync(response))["serverName"]!.GetValue<string>());
            response.Dispose();
        }

        Assert.That(names.Distinct().Count(), Is.EqualTo(50));
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE access_role_id = 'mcpServer_owner'"), Is.EqualTo(50));
    }

    [Test]
    public async Task ConcurrentPatchesWithOneIfMatch_ExactlyOneWins()
    {
        await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Contended" });
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, "/api/mcp/servers/contended")
            {
                Content = JsonContent.Create(new { config = new { type = "sse", url = "https://a.example.com/sse", title = "Contended", description = $"writer {i}" } }),
                Headers = { { "If-Match", "\"1\"" } },
            };
            return As(Alice).SendAsync(request);
        }));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses.Count(s => s == HttpStatusCode.OK), Is.EqualTo(1), string.Join(",", statuses));
            Assert.That(statuses.Count(s => s == HttpStatusCode.PreconditionFailed), Is.EqualTo(9));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT version FROM mcp_servers"), Is.EqualTo(2));
        }
    }

    [Test]
    public async Task ConcurrentShares_AreAllKept_AndTheOwnerCannotBeRacedAway()
    {
        var dbId = (await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Popular" }))["dbId"]!.GetValue<string>();
        var users = Enumerable.Range(0, 20).Select(i => new Caller($"fan{i}", SystemRoles.User, [])).ToArray();
        await SeeAsync(users);
        var shares = users.Select(u => As(Alice).PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", new { updated = new[] { new { type = "user", id = u.UserId, accessRoleId = "mcpServer_viewer" } } }));
        var removals = Enumerable.Range(0, 5).Select(_ => As(Alice).PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", new { removed = new[] { new { type = "user", id = "alice" } } }));
        var all = await Task.WhenAll(shares.Concat(removals));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(all.Take(20).Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(all.Skip(20).Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.BadRequest), "the last owner stays");
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE access_role_id = 'mcpServer_viewer'"), Is.EqualTo(20));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE access_role_id = 'mcpServer_owner'"), Is.EqualTo(1));
        }

        foreach (var response in all)
        {
            response.Dispose();
        }
    }
}
