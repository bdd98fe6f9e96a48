using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Tests.Fixtures;
using StackExchange.Redis;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// One connection status on every instance (issue 21): two API processes over the test PostgreSQL and Redis, real MCP
/// peers. A connection made or authorized on one instance is connected on the other; a disconnect on one is seen on
/// the other at once; an instance that dies stops counting after the liveness window; while Redis does not answer,
/// status answers promptly from the instance's own sessions.
/// </summary>
[NonParallelizable]
public sealed class ConnectionStatusAcrossInstancesTests : ProcessTest
{
    [SetUp]
    public void NeedsRedis()
    {
        if (Environment.GetEnvironmentVariable("ConnectionStrings__Redis") is null)
        {
            Assert.Ignore("Needs Redis (./scripts/test.sh starts one).");
        }
    }

    [Test]
    public async Task ThroughARoundRobinProxy_AConnectionMadeOnOneInstance_IsConnectedOnEvery()
    {
        var everything = Keep(await NodePeer.StartEverythingStreamableAsync());
        var (first, second) = await StartPairAsync();
        var name = await CreateServerAsync(first, everything.Url, "Round Robin");
        var (client, proxy) = RoundRobinProxy.For(Alice, first, second);
        using (client)
        {
            using (var reinitialized = await client.PostAsync($"/api/mcp/{name}/reinitialize", null))
            {
                var body = await reinitialized.Content.ReadAsStringAsync();
                Assert.That(JsonNode.Parse(body)!["success"]!.GetValue<bool>(), Is.True, body);
            }

            var onSecond = await StateAsync(client, name);
            var allOnFirst = await AllStatesAsync(client);
            var againOnSecond = await StateAsync(client, name);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(onSecond, Is.EqualTo("connected"), "the instance without the session sees the other's connection");
                Assert.That(allOnFirst.GetValueOrDefault(name), Is.EqualTo("connected"), "the list says so too");
                Assert.That(againOnSecond, Is.EqualTo("connected"), "and it does not flap");
            }

            // The next request goes to the first instance, the one after to the second, which has no session: it connects there.
            Assert.That(await CallEchoAsync(client, name, "on the first"), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await CallEchoAsync(client, name, "on the second"), Is.EqualTo(HttpStatusCode.OK), "a tool call on an instance without the session connects there");
        }

        Assert.That(proxy.Served, Is.EqualTo(new[] { "instance-a", "instance-b", "instance-a", "instance-b", "instance-a", "instance-b" }), "every request alternated");
    }

    [Test]
    public async Task AnAuthorizationCompletedOnOneInstance_IsConnectedOnTheOther_WhichAsksForNoAuthorization()
    {
        var peer = Keep(await NodePeer.StartOidcStackAsync());
        var (first, second) = await StartPairAsync();
        var name = await CreateServerAsync(first, peer.Url, "Authorized Across");
        var cookies = new CookieContainer();
        using var onFirst = SpaBrowser.Of(first, Alice, cookies);
        using var onSecond = SpaBrowser.Of(second, Alice, cookies);
        await AuthorizeAsync(onFirst, name);

        Assert.That(await StateAsync(onSecond.Api, name), Is.EqualTo("connected"), "the callback's connection on the first instance counts on the second");
        using (var call = await onSecond.Api.PostAsJsonAsync($"/api/mcp/{name}/tools/whoami/call", new { arguments = new { } }))
        {
            Assert.That(call.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the second instance uses the stored tokens: " + await call.Content.ReadAsStringAsync());
        }

        using (var reinitialized = await onSecond.Api.PostAsync($"/api/mcp/{name}/reinitialize", null))
        {
            var body = JsonNode.Parse(await reinitialized.Content.ReadAsStringAsync())!;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(body["success"]!.GetValue<bool>(), Is.True, body.ToJsonString());
                Assert.That(body["oauthRequired"]!.GetValue<bool>(), Is.False, "reinitialize on the other instance asks for no authorization");
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StateAsync(onFirst.Api, name), Is.EqualTo("connected"), "the second instance's connection counts on the first");
            Assert.That((await peer.StatsAsync())["tokenRequests"]!["authorization_code"]!.GetValue<int>(), Is.EqualTo(1), "one authorization in all");
        }
    }

    [Test]
    public async Task ADisconnectOnOneInstance_IsDisconnectedOnTheOtherAtOnce()
    {
        var peer = Keep(await NodePeer.StartOidcStackAsync());
        var (first, second) = await StartPairAsync();
        var name = await CreateServerAsync(first, peer.Url, "Disconnected Across");
        var cookies = new CookieContainer();
        using var onFirst = SpaBrowser.Of(first, Alice, cookies);
        using var onSecond = SpaBrowser.Of(second, Alice, cookies);
        await AuthorizeAsync(onFirst, name);
        Assert.That(await StateAsync(onFirst.Api, name), Is.EqualTo("connected"));

        using (var disconnected = await onSecond.Api.DeleteAsync($"/api/mcp/{name}/oauth/tokens"))
        {
            Assert.That(disconnected.StatusCode, Is.EqualTo(HttpStatusCode.OK), await disconnected.Content.ReadAsStringAsync());
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StateAsync(onFirst.Api, name), Is.EqualTo("disconnected"), "the instance that held the session says so right after");
            Assert.That(await StateAsync(onSecond.Api, name), Is.EqualTo("disconnected"));
        }
    }

    [Test]
    public async Task ACredentialChangeOnOneInstance_ClosesTheOthersSession_WhichReconnectsWithTheNewValue()
    {
        var (first, second) = await StartPairAsync();
        using var onFirst = first.ClientFor(Alice);
        using var onSecond = second.ClientFor(Alice);
        await SetVariableAsync(onFirst, "first-value-XYZZY-0001");
        Assert.That(await EnvironmentAsync(onSecond), Does.Contain("first-value-XYZZY-0001"), "the second instance connects with the first value");

        await SetVariableAsync(onFirst, "second-value-XYZZY-0002");
        Assert.That(await StateAsync(onSecond, ConnectionsHost.EnvServer), Is.EqualTo("disconnected"), "cleared for every instance");
        var clock = Stopwatch.StartNew();
        string environment;
        do
        {
            environment = await EnvironmentAsync(onSecond);
        }
        while (!environment.Contains("second-value-XYZZY-0002", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(5));

        Assert.That(environment, Does.Contain("second-value-XYZZY-0002"), "the second instance closed its session with the old value and reconnected");

        static async Task SetVariableAsync(HttpClient client, string value)
        {
            using var install = await client.PostAsJsonAsync("/api/user/plugins", new { pluginKey = $"mcp_{ConnectionsHost.EnvServer}", action = "install", auth = new Dictionary<string, string> { ["TEST_TOKEN"] = value } });
            Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.OK), await install.Content.ReadAsStringAsync());
        }

        static async Task<string> EnvironmentAsync(HttpClient client)
        {
            using var call = await client.PostAsJsonAsync($"/api/mcp/{ConnectionsHost.EnvServer}/tools/get-env/call", new { arguments = new { } });
            var body = await call.Content.ReadAsStringAsync();
            Assert.That(call.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            return body;
        }
    }

    [Test]
    public async Task AnInstanceThatDies_StopsCountingAfterTheLivenessWindow()
    {
        var everything = Keep(await NodePeer.StartEverythingStreamableAsync());
        var (first, second) = await StartPairAsync();
        var name = await CreateServerAsync(first, everything.Url, "Dies");
        using var onFirst = first.ClientFor(Alice);
        using var onSecond = second.ClientFor(Alice);
        using (var reinitialized = await onFirst.PostAsync($"/api/mcp/{name}/reinitialize", null))
        {
            Assert.That(reinitialized.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(await StateAsync(onSecond, name), Is.EqualTo("connected"), "held by the first instance");
        first.KillAbruptly();
        var clock = Stopwatch.StartNew();
        var states = new List<string>();
        string state;
        do
        {
            await Task.Delay(250);
            states.Add(state = await StateAsync(onSecond, name));
        }
        while (state == "connected" && clock.Elapsed < TimeSpan.FromSeconds(20));

        TestContext.Out.WriteLine($"the dead instance stopped counting after {clock.ElapsedMilliseconds} ms");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state, Is.EqualTo("disconnected"), "the dead instance's connection no longer counts");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "within the liveness window (6 s) and a heartbeat");
        }
    }

    [Test]
    public async Task WhenRedisLosesTheBoard_EveryInstanceRecordsItsSessionsAgain_WithinAHeartbeat()
    {
        var everything = Keep(await NodePeer.StartEverythingStreamableAsync());
        var (first, second) = await StartPairAsync();
        var name = await CreateServerAsync(first, everything.Url, "Board Lost");
        using var onFirst = first.ClientFor(Alice);
        using var onSecond = second.ClientFor(Alice);
        using (var reinitialized = await onFirst.PostAsync($"/api/mcp/{name}/reinitialize", null))
        {
            Assert.That(reinitialized.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        // What a Redis restart without persistence leaves: no instances, no states.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("ConnectionStrings__Redis")!);
        // One key at a time: on a Redis Cluster the two live in different slots.
        await redis.GetDatabase().KeyDeleteAsync("mcp:instances");
        await redis.GetDatabase().KeyDeleteAsync("mcp:status:{}");
        var clock = Stopwatch.StartNew();
        string state;
        do
        {
            await Task.Delay(250);
            state = await StateAsync(onSecond, name);
        }
        while (state != "connected" && clock.Elapsed < TimeSpan.FromSeconds(15));

        // (The next beat may come before the first read: how soon does not matter, only that it comes.)
        TestContext.Out.WriteLine($"recorded again after {clock.ElapsedMilliseconds} ms");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state, Is.EqualTo("connected"), "the first instance recorded its session again");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "at its next heartbeat (every 2 s)");
        }
    }

    [Test]
    public async Task WhileRedisDoesNotAnswer_StatusAnswersPromptly_FromTheInstancesOwnSessions()
    {
        var everything = Keep(await NodePeer.StartEverythingStreamableAsync());
        var api = Keep(await ApiProcess.StartAsync("alone"));
        var name = await CreateServerAsync(api, everything.Url, "Redis Paused");
        using var alice = api.ClientFor(Alice);
        using (var reinitialized = await alice.PostAsync($"/api/mcp/{name}/reinitialize", null))
        {
            Assert.That(reinitialized.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await using var admin = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("ConnectionStrings__Redis") + ",allowAdmin=true");
        var pause = TimeSpan.FromSeconds(6);
        await admin.GetServer(admin.GetEndPoints()[0]).ExecuteAsync("CLIENT", "PAUSE", ((long)pause.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL");
        var paused = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var state = await StateAsync(alice, name);
        var answeredAfter = clock.Elapsed;
        var all = await AllStatesAsync(alice);
        var allAfter = clock.Elapsed - answeredAfter;
        var stillPaused = paused.Elapsed < pause;
        TestContext.Out.WriteLine($"status answered after {answeredAfter.TotalMilliseconds:0} ms, the list after {allAfter.TotalMilliseconds:0} ms");
        await Task.Delay(pause - paused.Elapsed + TimeSpan.FromMilliseconds(200) is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stillPaused, Is.True, "both answers came while Redis was paused");
            Assert.That(state, Is.EqualTo("connected"), "this instance's own session");
            Assert.That(all.GetValueOrDefault(name), Is.EqualTo("connected"));
            Assert.That(answeredAfter, Is.LessThan(TimeSpan.FromSeconds(2)), "no waiting for Redis");
            Assert.That(allAfter, Is.LessThan(TimeSpan.FromSeconds(2)));
        }
    }

    /// <summary>Reinitialize on the browser's instance, the authorization server's consent, the callback delivered there.</summary>
    private static async Task AuthorizeAsync(SpaBrowser browser, string name)
    {
        using var reinitialized = await browser.Api.PostAsync($"/api/mcp/{name}/reinitialize", null);
        var oauthUrl = JsonNode.Parse(await reinitialized.Content.ReadAsStringAsync())!["oauthUrl"]!.GetValue<string>();
        var callback = await AuthorizationBrowser.FollowToCallbackAsync(oauthUrl, browser.Api.BaseAddress + "api/mcp/");
        using var delivered = await browser.DeliverAsync(callback);
        Assert.That(delivered.Headers.Location?.ToString(), Is.EqualTo($"/oauth/success?serverName={name}"));
    }

    private static async Task<string> CreateServerAsync(ApiProcess api, string url, string title)
    {
        using var alice = api.ClientFor(Alice);
        using var response = await alice.PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "streamable-http", url, title = ConnectionsEndToEndTests.Unique(title) } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        return JsonNode.Parse(body)!["serverName"]!.GetValue<string>();
    }

    private static async Task<string> StateAsync(HttpClient client, string name)
    {
        using var response = await client.GetAsync($"/api/mcp/connection/status/{name}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body)!["connectionStatus"]!.GetValue<string>();
    }

    private static async Task<Dictionary<string, string>> AllStatesAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/mcp/connection/status");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body)!["connectionStatus"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!["connectionState"]!.GetValue<string>());
    }

    private static async Task<HttpStatusCode> CallEchoAsync(HttpClient client, string name, string message)
    {
        using var response = await client.PostAsJsonAsync($"/api/mcp/{name}/tools/echo/call", new { arguments = new { message } });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            TestContext.Out.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return response.StatusCode;
    }
}
