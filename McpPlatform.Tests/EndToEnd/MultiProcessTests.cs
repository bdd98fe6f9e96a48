using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// The API as separate processes on their own loopback ports, sharing the test PostgreSQL and Redis: an OAuth flow
/// that starts on one instance and ends on the other, one refresh for both, change propagation between them, and a
/// graceful shutdown under load.
/// </summary>
[NonParallelizable]
public sealed class MultiProcessTests : ProcessTest
{
    private static readonly TimeSpan EffectTimeout = TimeSpan.FromSeconds(15);

    [SetUp]
    public void NeedsRedis()
    {
        if (Environment.GetEnvironmentVariable("ConnectionStrings__Redis") is null)
        {
            Assert.Ignore("Needs Redis (./scripts/test.sh starts one).");
        }
    }

    [Test]
    public async Task AnOAuthFlowStartedOnOneInstance_CompletesOnTheOther_AndBothShareOneRefresh()
    {
        var peer = Keep(await NodePeer.StartOidcStackAsync(accessTokenTtlSeconds: 4));
        var (first, second) = await StartPairAsync();
        var name = await CreateServerAsync(first, peer.Url, "Two Instances OAuth");

        // Alice's browser talks to the first instance and is sent back to the second (one cookie jar: ports do not matter).
        var cookies = new CookieContainer();
        using var onFirst = SpaBrowser.Of(first, Alice, cookies);
        using var onSecond = SpaBrowser.Of(second, Alice, cookies);
        using var reinitialized = await onFirst.Api.PostAsync($"/api/mcp/{name}/reinitialize", null);
        var oauthUrl = JsonNode.Parse(await reinitialized.Content.ReadAsStringAsync())!["oauthUrl"]!.GetValue<string>();
        var callback = await AuthorizationBrowser.FollowToCallbackAsync(oauthUrl, first.BaseUrl + "/api/mcp/");
        using (var delivered = await onSecond.DeliverAsync(callback))
        {
            Assert.That(delivered.Headers.Location?.ToString(), Is.EqualTo($"/oauth/success?serverName={name}"),
                "the instance that did not start the flow completes it from the state in Redis");
        }

        Assert.That(await CallWhoAmIAsync(first, name), Is.EqualTo(HttpStatusCode.OK), "the instance that started the flow uses the stored tokens");
        Assert.That((await peer.StatsAsync())["tokenRequests"]!["authorization_code"]!.GetValue<int>(), Is.EqualTo(1));

        // Let the access token expire (4 s lifetime, refreshed 1 s early), then ask both instances at once. Counted
        // from here: on a slow machine the token may already have been refreshed once during the calls above.
        await Task.Delay(TimeSpan.FromSeconds(4.5));
        var refreshesBefore = (await peer.StatsAsync())["tokenRequests"]!["refresh_token"]!.GetValue<int>();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => CallWhoAmIAsync(i % 2 == 0 ? first : second, name)));
        var stats = await peer.StatsAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(stats["tokenRequests"]!["refresh_token"]!.GetValue<int>() - refreshesBefore, Is.EqualTo(1), "one refresh across both processes");
            Assert.That(stats["refreshReuse"]!.GetValue<int>(), Is.Zero, "no refresh token was presented twice");
        }
    }

    [Test]
    public async Task AServerChangedThroughOneInstance_IsDroppedByTheOther()
    {
        var everything = Keep(await NodePeer.StartEverythingStreamableAsync());
        var replacement = Keep(await NodePeer.StartEverythingStreamableAsync());
        var (first, second) = await StartPairAsync();
        var name = await CreateServerAsync(first, everything.Url, "Two Instances Change");
        Assert.That((await ReinitializeAsync(first, name))["success"]!.GetValue<bool>(), Is.True);
        Assert.That(await ToolNamesAsync(first, name), Does.Contain("echo"));

        using (var alice = second.ClientFor(Alice))
        using (var patch = await alice.PatchAsJsonAsync($"/api/mcp/servers/{name}", new { config = new { type = "streamable-http", url = replacement.Url, title = "Moved" } }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK), await patch.Content.ReadAsStringAsync());
        }

        var clock = Stopwatch.StartNew();
        while (await StateAsync(first, name) == "connected" && clock.Elapsed < EffectTimeout)
        {
            await Task.Delay(50);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StateAsync(first, name), Is.Not.EqualTo("connected"), "the other instance closed the connection to the old URL");
            Assert.That(await ToolNamesAsync(first, name), Is.Empty, "and forgot the tools it had cached");
        }

        TestContext.Out.WriteLine($"change seen by the other instance after {clock.ElapsedMilliseconds} ms");
        var again = await ReinitializeAsync(first, name);
        Assert.That(again["success"]!.GetValue<bool>(), Is.True, $"it connects to the new URL on demand: {again.ToJsonString()}");
    }

    [Test]
    public async Task OnSigterm_InFlightRequestsFinish_AndStdioServersAreClosed()
    {
        var api = Keep(await ApiProcess.StartAsync("shutdown"));
        var stdioServers = await WaitForAsync(() => api.ChildPids(), pids => pids.Count > 0);
        Assert.That(stdioServers, Is.Not.Empty, $"the app-level stdio server ({ConnectionsHost.StdioServer}) runs as a child process");

        using var alice = api.ClientFor(Alice);
        var clock = Stopwatch.StartNew();
        var inFlight = alice.PostAsJsonAsync($"/api/mcp/{ConnectionsHost.StdioServer}/tools/trigger-long-running-operation/call",
            new { arguments = new { duration = 3, steps = 3 } });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.That(inFlight.IsCompleted, Is.False, "the call is still running when the signal arrives");
        api.SignalTerminate();

        using var response = await inFlight;
        var body = await response.Content.ReadAsStringAsync();
        var exitCode = await api.WaitForExitAsync(TimeSpan.FromSeconds(30));
        TestContext.Out.WriteLine($"in-flight call answered after {clock.ElapsedMilliseconds} ms; process exited {exitCode}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(body, Does.Contain("Long running operation completed"), "the tool ran to its end");
            Assert.That(exitCode, Is.Zero, api.Output);
            Assert.That(stdioServers.Where(IsAlive), Is.Empty, "every stdio server the process started has ended");
        }
    }

    private static async Task<string> CreateServerAsync(ApiProcess api, string url, string title)
    {
        using var alice = api.ClientFor(Alice);
        using var response = await alice.PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "streamable-http", url, title = ConnectionsEndToEndTests.Unique(title) } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        return JsonNode.Parse(body)!["serverName"]!.GetValue<string>();
    }

    private static async Task<JsonNode> ReinitializeAsync(ApiProcess api, string name)
    {
        using var alice = api.ClientFor(Alice);
        using var response = await alice.PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body)!;
    }

    private static async Task<HttpStatusCode> CallWhoAmIAsync(ApiProcess api, string name)
    {
        using var alice = api.ClientFor(Alice);
        using var response = await alice.PostAsJsonAsync($"/api/mcp/{name}/tools/whoami/call", new { arguments = new { } });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            TestContext.Out.WriteLine($"{api.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return response.StatusCode;
    }

    private static async Task<string> StateAsync(ApiProcess api, string name)
    {
        using var alice = api.ClientFor(Alice);
        using var response = await alice.GetAsync($"/api/mcp/connection/status/{name}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["connectionStatus"]!.GetValue<string>();
    }

    private static async Task<List<string>> ToolNamesAsync(ApiProcess api, string name)
    {
        using var alice = api.ClientFor(Alice);
        using var response = await alice.GetAsync("/api/mcp/tools");
        var tools = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["servers"]![name]?["tools"]?.AsArray() ?? [];
        return [.. tools.Select(t => t!["name"]!.GetValue<string>())];
    }

    private static async Task<T> WaitForAsync<T>(Func<T> probe, Func<T, bool> done)
    {
        var clock = Stopwatch.StartNew();
        var value = probe();
        while (!done(value) && clock.Elapsed < EffectTimeout)
        {
            await Task.Delay(100);
            value = probe();
        }

        return value;
    }

    private static bool IsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart()[0] != 'Z';
}
