using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;
using StackExchange.Redis;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// Two API processes behind a plain round-robin load balancer (no affinity: every request goes to the other instance
/// than the one before), sharing PostgreSQL and Redis. A change answered by one instance is what the next request sees
/// on either: each read below is made twice in a row, so it is made once on each instance, after both have kept the
/// value from before the change in memory. (A server that exists but may not be seen is 403, as in LibreChat.)
/// </summary>
[NonParallelizable]
public sealed class RoundRobinTests : ProcessTest
{
    private const string Url = "https://unreachable.invalid/mcp";
    private const int Rounds = 3;
    private static readonly Caller Bob = new("bob", SystemRoles.User, [], "Bob", "bob@example.com");
    private static readonly Caller Admin = new("admin", SystemRoles.Admin, [], "Admin", "admin@example.com");

    private RoundRobinProxy? _proxy;

    private RoundRobinProxy Proxy => _proxy!;

    [SetUp]
    public async Task StartTwoInstancesBehindAProxy()
    {
        if (Environment.GetEnvironmentVariable("ConnectionStrings__Redis") is null)
        {
            Assert.Ignore("Needs Redis (./scripts/test.sh starts one).");
        }

        var first = Keep(await ApiProcess.StartAsync("instance-a"));
        var second = Keep(await ApiProcess.StartAsync("instance-b", new Dictionary<string, string> { ["Server:PublicBaseUrl"] = first.BaseUrl }));
        _proxy = RoundRobinProxy.Over(first, second);
    }

    /// <summary>Before the instances behind it stop (the base class's tear-down runs after this one).</summary>
    [TearDown]
    public void StopTheProxy()
    {
        _proxy?.Dispose();
        _proxy = null;
    }

    [Test]
    public async Task AnUnshare_IsSeenOnBothInstances_ByTheNextRequests()
    {
        var (name, dbId) = await CreateAsync("Unshared Across");
        // Later rounds run on warm instances, where requests follow each other within milliseconds.
        for (var round = 0; round < Rounds; round++)
        {
            await ShareAsync(dbId, Bob, "mcpServer_viewer");
            Assert.That(await GetTwiceAsync(Bob, name), Is.All.EqualTo(HttpStatusCode.OK), $"round {round}: shared, readable on both, and kept there");
            Assert.That(await ListTwiceAsync(Bob), Is.All.Contains(name));

            await UnshareAsync(dbId, Bob);

            Assert.That(await GetTwiceAsync(Bob, name), Is.All.EqualTo(HttpStatusCode.Forbidden), $"round {round}: revoked on both at once");
            Assert.That(await ListTwiceAsync(Bob), Is.All.Not.Contains(name));
        }
    }

    [Test]
    public async Task AShare_IsSeenOnBothInstances_ByTheNextRequests()
    {
        await SeenAsync(Bob);
        for (var round = 0; round < Rounds; round++)
        {
            var (name, dbId) = await CreateAsync($"Shared Across {round}");
            Assert.That(await ListTwiceAsync(Bob), Is.All.Not.Contains(name), $"round {round}: kept on both before the share");
            Assert.That(await ToolCatalogueTwiceAsync(Bob), Is.All.Not.Contains(name));

            await ShareAsync(dbId, Bob, "mcpServer_viewer");

            Assert.That(await ListTwiceAsync(Bob), Is.All.Contains(name), $"round {round}");
            Assert.That(await ToolCatalogueTwiceAsync(Bob), Is.All.Contains(name), $"round {round}: the rendered tool catalogue is rebuilt on both");
            Assert.That(await GetTwiceAsync(Bob, name), Is.All.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task AnUpdate_IsReadBackOnBothInstances()
    {
        var (name, _) = await CreateAsync("Updated Across");
        Assert.That(await DescriptionsTwiceAsync(Alice, name), Is.All.EqualTo("before"));
        using var alice = Proxy.ClientFor(Alice);
        for (var round = 0; round < Rounds; round++)
        {
            using (var patch = await alice.PatchAsJsonAsync($"/api/mcp/servers/{name}", new { config = new { type = "streamable-http", url = Url, description = $"after {round}" } }))
            {
                Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK), await patch.Content.ReadAsStringAsync());
            }

            Assert.That(await DescriptionsTwiceAsync(Alice, name), Is.All.EqualTo($"after {round}"), $"round {round}: the SPA's refetch right after saving, wherever it lands");
        }
    }

    [Test]
    public async Task ADelete_IsSeenOnBothInstances()
    {
        var (name, _) = await CreateAsync("Deleted Across");
        Assert.That(await GetTwiceAsync(Alice, name), Is.All.EqualTo(HttpStatusCode.OK));

        using (var alice = Proxy.ClientFor(Alice))
        using (var delete = await alice.DeleteAsync($"/api/mcp/servers/{name}"))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.OK), await delete.Content.ReadAsStringAsync());
        }

        Assert.That(await GetTwiceAsync(Alice, name), Is.All.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await ListTwiceAsync(Alice), Is.All.Not.Contains(name));
    }

    [Test]
    public async Task ARoleLosingCreate_CannotCreateOnEitherInstance()
    {
        await CreateAsync("Create Before One");
        await CreateAsync("Create Before Two");   // the role's permissions are now kept on both instances

        using (var admin = Proxy.ClientFor(Admin))
        using (var revoke = await admin.PutAsJsonAsync("/api/roles/USER/mcp-servers", new { CREATE = false }))
        {
            Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK), await revoke.Content.ReadAsStringAsync());
        }

        using var alice = Proxy.ClientFor(Alice);
        var refusals = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            using var create = await alice.PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "streamable-http", url = Url, title = $"Refused {i}" } });
            refusals.Add(create.StatusCode);
        }

        Assert.That(refusals, Is.All.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task ARevocation_HoldsWhileRedisIsPaused_AndReadsDoNotWaitForIt()
    {
        var (name, dbId) = await CreateAsync("Revoked While Paused");
        await ShareAsync(dbId, Bob, "mcpServer_viewer");
        Assert.That(await GetTwiceAsync(Bob, name), Is.All.EqualTo(HttpStatusCode.OK));

        // The revocation and the reads after it happen while Redis answers nobody: neither waits for it, and no
        // instance can be left stale by a revision write Redis did not take.
        await using var control = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("ConnectionStrings__Redis")!);
        foreach (var node in control.GetServers())
        {
            await node.ExecuteAsync("CLIENT", "PAUSE", "5000", "ALL");   // every node of a cluster
        }

        try
        {
            var clock = Stopwatch.StartNew();
            await UnshareAsync(dbId, Bob);
            var afterRevoke = clock.Elapsed;
            var reads = new List<(HttpStatusCode Status, TimeSpan Took)>();
            for (var i = 0; i < 6; i++)
            {
                var started = clock.Elapsed;
                var status = (await GetTwiceAsync(Bob, name, times: 1))[0];
                reads.Add((status, clock.Elapsed - started));
            }

            var paused = clock.Elapsed < TimeSpan.FromSeconds(5);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(paused, Is.True, $"all of it within the pause (took {clock.Elapsed.TotalMilliseconds:F0} ms)");
                Assert.That(afterRevoke, Is.LessThan(TimeSpan.FromSeconds(1)), "the unshare does not wait for Redis");
                Assert.That(reads.Select(r => r.Status), Is.All.EqualTo(HttpStatusCode.Forbidden));
                // Waiting for Redis would add its 250 ms bound to every read; the median leaves out a read slowed by the
                // machine's load, which a single read's time would not.
                Assert.That(reads.Select(r => r.Took).Order().ElementAt(reads.Count / 2), Is.LessThan(TimeSpan.FromMilliseconds(200)), string.Join(", ", reads.Select(r => $"{r.Took.TotalMilliseconds:F0} ms")));
            }
        }
        finally
        {
            foreach (var node in control.GetServers())
            {
                await node.ExecuteAsync("CLIENT", "UNPAUSE");
            }
        }
    }

    [Test]
    public async Task ConcurrentShareChangesOnBothInstances_EndWhereTheDatabaseEnds()
    {
        var (name, dbId) = await CreateAsync("Raced Across");
        await SeenAsync(Bob);
        using var alice = Proxy.ClientFor(Alice);
        for (var round = 0; round < 5; round++)
        {
            // Grants and revocations in flight together, answered by both instances in whatever order.
            var changes = Enumerable.Range(0, 6).Select(i => i % 2 == 0
                ? alice.PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", new { updated = new[] { new { type = "user", id = Bob.UserId, accessRoleId = "mcpServer_viewer" } } })
                : alice.PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", new { removed = new[] { new { type = "user", id = Bob.UserId } } }));
            foreach (var response in await Task.WhenAll(changes))
            {
                response.Dispose();
            }

            var shared = await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE resource_id = $1 AND principal_id = 'bob'", Guid.Parse(dbId)) > 0;
            Assert.That(await GetTwiceAsync(Bob, name), Is.All.EqualTo(shared ? HttpStatusCode.OK : HttpStatusCode.Forbidden), $"round {round}: shared in the database = {shared}");
        }
    }

    private async Task<(string Name, string DbId)> CreateAsync(string title)
    {
        using var alice = Proxy.ClientFor(Alice);
        using var response = await alice.PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "streamable-http", url = Url, title = ConnectionsEndToEndTests.Unique(title), description = "before" } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        var json = JsonNode.Parse(body)!;
        return (json["serverName"]!.GetValue<string>(), json["dbId"]!.GetValue<string>());
    }

    /// <summary>Makes the user known on both instances (their first request records them), so they can be shared with.</summary>
    private async Task SeenAsync(Caller caller) => await ListTwiceAsync(caller);

    private async Task ShareAsync(string dbId, Caller with, string accessRoleId)
    {
        await SeenAsync(with);
        using var alice = Proxy.ClientFor(Alice);
        using var response = await alice.PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", new { updated = new[] { new { type = "user", id = with.UserId, accessRoleId } } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private async Task UnshareAsync(string dbId, Caller with)
    {
        using var alice = Proxy.ClientFor(Alice);
        using var response = await alice.PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", new { removed = new[] { new { type = "user", id = with.UserId } } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private async Task<List<HttpStatusCode>> GetTwiceAsync(Caller caller, string name, int times = 2)
    {
        using var client = Proxy.ClientFor(caller);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < times; i++)
        {
            using var response = await client.GetAsync($"/api/mcp/servers/{name}");
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private async Task<List<string?>> DescriptionsTwiceAsync(Caller caller, string name)
    {
        using var client = Proxy.ClientFor(caller);
        var descriptions = new List<string?>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync($"/api/mcp/servers/{name}");
            descriptions.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())?["description"]?.GetValue<string>());
        }

        return descriptions;
    }

    private async Task<List<List<string>>> ListTwiceAsync(Caller caller)
    {
        using var client = Proxy.ClientFor(caller);
        var lists = new List<List<string>>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync("/api/mcp/servers");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            lists.Add([.. JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject().Select(p => p.Key)]);
        }

        return lists;
    }

    private async Task<List<List<string>>> ToolCatalogueTwiceAsync(Caller caller)
    {
        using var client = Proxy.ClientFor(caller);
        var catalogues = new List<List<string>>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync("/api/mcp/tools");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            catalogues.Add([.. JsonNode.Parse(await response.Content.ReadAsStringAsync())!["servers"]!.AsObject().Select(p => p.Key)]);
        }

        return catalogues;
    }
}
