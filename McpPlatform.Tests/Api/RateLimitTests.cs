using System.Net;
using System.Net.Http.Json;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Api;

/// <summary>Per-user limits on create, reinitialize and OAuth initiate answer 429 with Retry-After.</summary>
[NonParallelizable]
public sealed class RateLimitTests : ApiTest
{
    protected override Task<ApiFactory> StartHostAsync() => TestRun.StartRateLimitedApiAsync();

    [Test]
    public async Task Create_BeyondTheLimit_Is429WithRetryAfter_PerUser()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://a.example.com/sse", title = $"Limited {i}" } });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.That(response.Headers.RetryAfter, Is.Not.Null);
                await AssertProblemAsync(response, HttpStatusCode.TooManyRequests, error: "Too Many Requests");
            }
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests }));
        using var bob = await As(Bob).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://a.example.com/sse", title = "Bobs own" } });
        Assert.That(bob.StatusCode, Is.EqualTo(HttpStatusCode.Created), "the limit is per user");
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM mcp_servers"), Is.EqualTo(4), "refused creates stored nothing");
    }

    [TestCase("POST", "/api/mcp/no-such-server/reinitialize")]
    [TestCase("GET", "/api/mcp/no-such-server/oauth/initiate")]
    public async Task ReinitializeAndInitiate_BeyondTheLimit_Are429(string method, string path)
    {
        var last = HttpStatusCode.OK;
        for (var i = 0; i < 4; i++)
        {
            using var response = await As(Carol).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            last = response.StatusCode;
        }

        Assert.That(last, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }
}
