using System.Net;
using System.Net.Http.Json;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace McpPlatform.Tests.Api;

/// <summary>Per-user limits on create, reinitialize, OAuth initiate, tool calls and writes, and a per-client-address
/// limit on the anonymous OAuth callback, answer 429 with Retry-After (the host allows 3 a minute of each). Each test
/// uses callers of its own: the windows outlive a test.</summary>
[NonParallelizable]
public sealed class RateLimitTests : ApiTest
{
    private static int _writers;

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

    [Test]
    public async Task ToolCalls_BeyondTheLimit_Are429WithRetryAfter_PerUser()
    {
        var caller = new Caller("tool-caller", SystemRoles.User, []);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await As(caller).PostAsJsonAsync("/api/mcp/no-such-server/tools/echo/call", new { arguments = new { } });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.That(response.Headers.RetryAfter, Is.Not.Null);
                await AssertProblemAsync(response, HttpStatusCode.TooManyRequests, error: "Too Many Requests");
            }
        }

        using var other = await As(new Caller("other-tool-caller", SystemRoles.User, [])).PostAsJsonAsync("/api/mcp/no-such-server/tools/echo/call", new { arguments = new { } });
        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests }));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the limit is per user");
    }

    /// <summary>The write routes share one budget per user: three cancels use it up, then each write route is refused,
    /// while reads go on.</summary>
    [TestCase("PATCH", "/api/mcp/servers/no-such-server", """{"config":{"type":"sse","url":"https://a.example.com/sse","title":"X"}}""")]
    [TestCase("DELETE", "/api/mcp/servers/no-such-server", null)]
    [TestCase("PUT", "/api/permissions/mcpServer/00000000-0000-0000-0000-000000000000", """{"updated":[]}""")]
    [TestCase("POST", "/api/user/plugins", """{"pluginKey":"mcp_no-such-server","action":"uninstall"}""")]
    [TestCase("PUT", "/api/roles/USER/mcp-servers", """{"USE":true}""")]
    [TestCase("DELETE", "/api/mcp/no-such-server/oauth/tokens", null)]
    [TestCase("POST", "/api/mcp/oauth/cancel/no-such-server", null)]
    public async Task Writes_BeyondTheLimit_Are429_OnEveryWriteRoute_OneBudgetPerUser(string method, string path, string? json)
    {
        var caller = new Caller($"writer-{Interlocked.Increment(ref _writers)}", SystemRoles.Admin, []);
        for (var i = 0; i < 3; i++)
        {
            using var cancel = await As(caller).PostAsync("/api/mcp/oauth/cancel/no-such-server", null);
            Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.OK), "within the budget");
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var refused = await As(caller).SendAsync(request);
        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, error: "Too Many Requests");
        Assert.That(refused.Headers.RetryAfter, Is.Not.Null);

        using var read = await As(caller).GetAsync("/api/mcp/servers");
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), "reads are not limited");
    }

    /// <summary>The callback is anonymous: limited per client address (an IPv6 client per /64, which one client
    /// usually holds). Beyond the limit the answer is a 429 ProblemDetails rather than the error page redirect.</summary>
    [Test]
    public async Task OAuthCallback_BeyondTheLimit_Is429_PerClientAddress()
    {
        async Task<HttpContext> CallbackFrom(string address) => await Api.Server.SendAsync(context =>
        {
            context.Request.Method = "GET";
            context.Request.Path = "/api/mcp/no-such-server/oauth/callback";
            context.Request.QueryString = new QueryString("?code=c&state=not-a-flow");
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        });

        var statuses = new List<int>();
        foreach (var address in new[] { "203.0.113.7", "203.0.113.7", "203.0.113.7", "203.0.113.7" })
        {
            statuses.Add((await CallbackFrom(address)).Response.StatusCode);
        }

        var refused = await CallbackFrom("203.0.113.7");
        var otherClient = await CallbackFrom("198.51.100.9");
        var sameV6Network = new List<int>();
        foreach (var address in new[] { "2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3", "2001:db8:1:2::4" })
        {
            sameV6Network.Add((await CallbackFrom(address)).Response.StatusCode);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses, Is.EqualTo(new[] { 302, 302, 302, 429 }));
            Assert.That(refused.Response.ContentType, Does.StartWith("application/problem+json"));
            Assert.That(refused.Response.Headers.RetryAfter.ToString(), Is.Not.Empty);
            Assert.That(otherClient.Response.StatusCode, Is.EqualTo(302), "the limit is per client address");
            Assert.That(sameV6Network, Is.EqualTo(new[] { 302, 302, 302, 429 }), "one budget per IPv6 /64");
        }
    }
}
