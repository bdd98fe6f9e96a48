using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;
using Npgsql;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// The test PostgreSQL is stopped under a stream of writes and started again (through the test command's own
/// service functions): requests fail fast with 503 while it is down, succeed once it is back without a restart of the
/// API, and every server that exists is whole (its owner entry written with it).
/// </summary>
[NonParallelizable]
public sealed class PostgresRestartTests : ApiTest
{
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task WhilePostgresIsDown_RequestsFailFastWith503_AndAfterwardsEverythingIsWhole()
    {
        if (!TestServices.CanRestartPostgres)
        {
            Assert.Ignore("Needs the PostgreSQL that ./scripts/test.sh starts (MCP_TEST_PG_DATA, MCP_TEST_PG_PORT).");
        }

        await CreateServerAsync(Alice, new { type = "streamable-http", url = "https://before.example.com/mcp", title = "Before The Outage" });
        var outcomes = new ConcurrentBag<(HttpStatusCode Status, string Body)>();
        using var stopWriting = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => WriteUntilStoppedAsync(w, outcomes, stopWriting.Token)).ToArray();
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        await TestServices.StopPostgresAsync();
        var outage = Stopwatch.StartNew();
        try
        {
            foreach (var request in new Func<HttpClient, Task<HttpResponseMessage>>[]
            {
                client => client.GetAsync("/api/mcp/servers"),
                client => client.GetAsync("/api/mcp/servers/before-the-outage"),
                client => client.PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://during.example.com/sse", title = "During" } }),
            })
            {
                var clock = Stopwatch.StartNew();
                using var response = await request(As(Alice));
                var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, message: "The database is unavailable; try again shortly");
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(clock.Elapsed, Is.LessThan(FailFast), $"fails fast: {problem}");
                    Assert.That(response.Headers.RetryAfter, Is.Not.Null);
                }
            }

            using var ready = await As(null).GetAsync("/health/ready");
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "not ready without its database");

            // Keep the database down until the writers have run into the outage too.
            var waited = Stopwatch.StartNew();
            while (!outcomes.Any(o => o.Status == HttpStatusCode.ServiceUnavailable) && waited.Elapsed < RecoveryTimeout)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            await TestServices.StartPostgresAsync();
        }

        var recovery = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var probe = await As(Alice).GetAsync("/api/mcp/servers");
            status = probe.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }
        while (status != HttpStatusCode.OK && recovery.Elapsed < RecoveryTimeout);
        TestContext.Out.WriteLine($"outage {outage.ElapsedMilliseconds} ms; first success {recovery.ElapsedMilliseconds} ms after the restart");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), "the API recovers without a restart");

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await stopWriting.CancelAsync();
        await Task.WhenAll(writers);

        var afterwards = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => As(Alice).GetAsync("/api/mcp/servers?limit=5")));
        Assert.That(afterwards.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK), "no broken pooled connection is handed out after the restart");

        // The test's own pooled connections, and those of the other test hosts, died with the server.
        NpgsqlConnection.ClearAllPools();
        await TestRun.ClearDatabasePoolsAsync();
        var created = outcomes.Where(o => o.Status == HttpStatusCode.Created).Select(o => JsonNode.Parse(o.Body)!["serverName"]!.GetValue<string>()).ToList();
        TestContext.Out.WriteLine($"writes: {outcomes.Count} tried, {created.Count} created, {outcomes.Count(o => o.Status == HttpStatusCode.ServiceUnavailable)} refused with 503");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcomes.Select(o => o.Status), Is.All.AnyOf(HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable), "a write either happened or was refused as unavailable");
            Assert.That(outcomes.Select(o => o.Status), Does.Contain(HttpStatusCode.ServiceUnavailable), "the outage was seen by the writers");
            Assert.That(created, Has.Count.GreaterThan(0));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM mcp_servers WHERE server_name = ANY($1)", [created.ToArray()]), Is.EqualTo(created.Count), "every acknowledged write is there");
            Assert.That(await TestDatabase.ScalarAsync<long>("""
                SELECT count(*) FROM mcp_servers s
                WHERE (SELECT count(*) FROM acl_entries a WHERE a.resource_id = s.id AND a.access_role_id = 'mcpServer_owner' AND a.principal_id = s.author_id) <> 1
                """), Is.Zero, "every server has its owner entry: no half-written create");
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries a WHERE NOT EXISTS (SELECT 1 FROM mcp_servers s WHERE s.id = a.resource_id)"), Is.Zero, "no entry outlived its server");
        }
    }

    private async Task WriteUntilStoppedAsync(int writer, ConcurrentBag<(HttpStatusCode, string)> outcomes, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            // A new user for each write: users are recorded on first sight, so each write also inserts a user, and no
            // one reaches the per-user server quota.
            var author = new Caller($"writer-{writer}-{i}", SystemRoles.User, [], $"Writer {writer}", null);
            using var response = await As(author).PostAsJsonAsync("/api/mcp/servers",
                new { config = new { type = "streamable-http", url = $"https://w{writer}-{i}.example.com/mcp", title = $"Writer {writer} Item {i}" } }, CancellationToken.None);
            outcomes.Add((response.StatusCode, await response.Content.ReadAsStringAsync(CancellationToken.None)));
            await Task.Delay(TimeSpan.FromMilliseconds(25), CancellationToken.None);
        }
    }
}
