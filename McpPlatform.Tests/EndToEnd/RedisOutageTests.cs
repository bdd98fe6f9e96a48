using System.Diagnostics;
using System.Net;
using McpPlatform.Tests.Fixtures;
using StackExchange.Redis;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>Redis stops answering (CLIENT PAUSE, longer than the client's timeout) or stops altogether (its process
/// ended, connections refused): server CRUD keeps working, endpoints that need shared state answer 503
/// ProblemDetails, readiness reports Redis degraded, and everything recovers without a restart.</summary>
[NonParallelizable]
public sealed class RedisOutageTests : ApiTest
{
    [Test]
    public async Task RedisUnresponsive_CrudWorks_FlowEndpointsAre503_ThenRecovers()
    {
        var configuration = Environment.GetEnvironmentVariable("ConnectionStrings__Redis");
        if (configuration is null)
        {
            Assert.Ignore("Needs Redis (./scripts/test.sh starts one).");
        }

        await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Before Outage" });
        await using var admin = await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        await server.ExecuteAsync("CLIENT", "PAUSE", "12000", "ALL");
        var outage = Stopwatch.StartNew();

        // Needs Redis: gives up after the client's timeout (5 s), well inside the pause.
        using var cancel = await As(Alice).PostAsync("/api/mcp/oauth/cancel/before-outage", null);
        var cancelledAfter = outage.Elapsed;
        using var list = await As(Alice).GetAsync("/api/mcp/servers");
        using var create = await As(Alice).PostAsync("/api/mcp/servers", System.Net.Http.Json.JsonContent.Create(new { config = new { type = "sse", url = "https://a.example.com/sse", title = "During Outage" } }));
        using var ready = await As(null).GetAsync("/health/ready");
        var readiness = await ReadJsonAsync(ready);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK), "reads need only PostgreSQL");
            Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.Created), "so do writes");
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Redis down is degraded, not unhealthy");
            Assert.That(readiness["checks"]!["redis"]!["status"]!.GetValue<string>(), Is.EqualTo("Degraded"));
        }

        Assert.That(cancelledAfter, Is.LessThan(TimeSpan.FromSeconds(12)), "the answer came during the outage, not after it");
        await AssertProblemAsync(cancel, HttpStatusCode.ServiceUnavailable);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode after;
        do
        {
            await Task.Delay(500);
            using var retry = await As(Alice).PostAsync("/api/mcp/oauth/cancel/before-outage", null);
            after = retry.StatusCode;
        }
        while (after != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        using var readyAgain = await As(null).GetAsync("/health/ready");
        Assert.That(after, Is.EqualTo(HttpStatusCode.OK), "recovers without a restart");
        Assert.That((await ReadJsonAsync(readyAgain))["checks"]!["redis"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task RedisStopped_CrudWorks_FlowEndpointsAre503_ThenRecoversWhenItIsBack()
    {
        if (!TestServices.CanRestartRedis)
        {
            Assert.Ignore("Needs the Redis that ./scripts/test.sh starts (MCP_TEST_REDIS_DIR, MCP_TEST_REDIS_PORT).");
        }

        await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Before Stop" });
        await TestServices.StopRedisAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            using var cancel = await As(Alice).PostAsync("/api/mcp/oauth/cancel/before-stop", null);
            var answeredAfter = clock.Elapsed;
            await AssertProblemAsync(cancel, HttpStatusCode.ServiceUnavailable, message: "Shared state (Redis) is unavailable; try again shortly");
            Assert.That(answeredAfter, Is.LessThan(TimeSpan.FromSeconds(10)), "a bounded wait");

            using var create = await As(Alice).PostAsync("/api/mcp/servers", System.Net.Http.Json.JsonContent.Create(new { config = new { type = "sse", url = "https://a.example.com/sse", title = "While Stopped" } }));
            using var read = await As(Alice).GetAsync("/api/mcp/servers/while-stopped");
            using var ready = await As(null).GetAsync("/health/ready");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.Created), await create.Content.ReadAsStringAsync());
                Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That((await ReadJsonAsync(ready))["checks"]!["redis"]!["status"]!.GetValue<string>(), Is.EqualTo("Degraded"));
            }
        }
        finally
        {
            await TestServices.StartRedisAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode after;
        do
        {
            await Task.Delay(250);
            using var retry = await As(Alice).PostAsync("/api/mcp/oauth/cancel/before-stop", null);
            after = retry.StatusCode;
        }
        while (after != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.That(after, Is.EqualTo(HttpStatusCode.OK), "recovers without a restart");
        using var readyAgain = await As(null).GetAsync("/health/ready");
        Assert.That((await ReadJsonAsync(readyAgain))["checks"]!["redis"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
    }
}
