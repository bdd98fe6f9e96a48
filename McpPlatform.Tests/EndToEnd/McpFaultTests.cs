using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// The platform against a real MCP server (<c>Peers/faulty-mcp.mjs</c>) that hangs, drops the connection
/// mid-response or answers garbage: every request ends within a bounded time with the documented status (504 for a
/// timeout, 502 for a failure or garbage, 503 + Retry-After while the circuit is open), the connection status says
/// <c>error</c>, the circuit opens after repeated failures without touching the server while open, and closes again
/// once the server is healthy. The host's timers (TestRun.StartFaultsApiAsync): connect, tools/list and tool call
/// 2 s, one connect attempt, the breaker opens after 2 failures for 3 s.
/// </summary>
[NonParallelizable]
public sealed class McpFaultTests : ApiTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(3);

    /// <summary>A hang detector, not a performance target: the platform's own timeout plus room for a slow CI machine.</summary>
    private static readonly TimeSpan Bound = Timeout + TimeSpan.FromSeconds(5);

    private static readonly HttpClient PeerControl = new();

    private NodePeer _peer = null!;

    protected override Task<ApiFactory> StartHostAsync() => TestRun.StartFaultsApiAsync();

    [SetUp]
    public async Task StartPeer() => _peer = await NodePeer.StartFaultyAsync();

    [TearDown]
    public async Task StopPeer() => await _peer.DisposeAsync();

    [TestCase("hang", HttpStatusCode.GatewayTimeout, "upstream_timeout")]
    [TestCase("drop", HttpStatusCode.BadGateway, "upstream_error")]
    [TestCase("garbage", HttpStatusCode.BadGateway, "upstream_error")]
    [TestCase("garbage-json", HttpStatusCode.BadGateway, "upstream_error")]
    public async Task FaultyToolCall_OnAConnectedServer_EndsInTime_WithTheDocumentedError_AndRecovers(string fault, HttpStatusCode status, string error)
    {
        var name = await CreateAsync(_peer, "Tool fault");
        Assert.That((await ReinitializeAsync(name))["success"]!.GetValue<bool>(), Is.True);

        // Only tools/call is faulty: the session stays connectable, the call itself fails.
        await SetModeAsync(_peer, fault, "tools/call");
        var (response, elapsed) = await TimedAsync(() => CallAsync(name, "add", new { a = 2, b = 3 }));
        using (response)
        {
            var problem = await AssertProblemAsync(response, status, error: error);
            Assert.That(problem["message"]!.GetValue<string>(), Does.Contain("add"), "the message says what failed");
        }

        Assert.That(elapsed, Is.LessThan(Bound), $"{fault}: took {elapsed.TotalSeconds:0.0} s");
        TestContext.Out.WriteLine($"{fault} on tools/call: {(int)status} after {elapsed.TotalMilliseconds:0} ms");
        var (state, message) = await StatusAsync(name);
        Assert.That(state, Is.EqualTo("error"));
        Assert.That(message, Is.Not.Null.And.Not.Empty, "the error state carries the reason");

        await SetModeAsync(_peer, "ok");
        using var healthy = await CallAsync(name, "add", new { a = 2, b = 3 });
        Assert.That(healthy.StatusCode, Is.EqualTo(HttpStatusCode.OK), await healthy.Content.ReadAsStringAsync());
        Assert.That((await ReadJsonAsync(healthy))["content"]![0]!["text"]!.GetValue<string>(), Is.EqualTo("5"));
        Assert.That((await StatusAsync(name)).State, Is.EqualTo("connected"));
    }

    [TestCase("hang", HttpStatusCode.GatewayTimeout, "upstream_timeout")]
    [TestCase("drop", HttpStatusCode.BadGateway, "upstream_error")]
    [TestCase("garbage", HttpStatusCode.BadGateway, "upstream_error")]
    [TestCase("garbage-json", HttpStatusCode.BadGateway, "upstream_error")]
    public async Task ServerFaultyFromTheStart_FailsInTime_OpensTheCircuit_AndClosesItWhenHealthy(string fault, HttpStatusCode status, string error)
    {
        var name = await CreateAsync(_peer, "Connect fault");
        await SetModeAsync(_peer, fault);

        // Reinitialize keeps LibreChat's shape: a failed connect is a 200 with success false.
        var (reinit, reinitElapsed) = await TimedAsync(() => As(Alice).PostAsync($"/api/mcp/{name}/reinitialize", null));
        using (reinit)
        {
            var body = await ReadJsonAsync(reinit);
            Assert.That(reinit.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body["success"]!.GetValue<bool>(), Is.False, body.ToJsonString());
            Assert.That(body["message"]!.GetValue<string>(), Does.StartWith($"Failed to reinitialize MCP server '{name}'"));
            Assert.That(body["oauthRequired"]!.GetValue<bool>(), Is.False);
        }

        Assert.That(reinitElapsed, Is.LessThan(Bound), $"{fault}: reinitialize took {reinitElapsed.TotalSeconds:0.0} s");
        Assert.That((await StatusAsync(name)).State, Is.EqualTo("error"));

        // The second consecutive failure opens the circuit (CircuitBreakerFailures = 2).
        var (call, callElapsed) = await TimedAsync(() => CallAsync(name, "add", new { a = 1, b = 1 }));
        using (call)
        {
            var problem = await AssertProblemAsync(call, status, error: error);
            Assert.That(problem["message"]!.GetValue<string>(), Does.Contain("circuit opened"));
        }

        Assert.That(callElapsed, Is.LessThan(Bound), $"{fault}: tool call took {callElapsed.TotalSeconds:0.0} s");
        TestContext.Out.WriteLine($"{fault} on every request: reinitialize {reinitElapsed.TotalMilliseconds:0} ms, tool call {(int)status} after {callElapsed.TotalMilliseconds:0} ms");

        // Open: refused at once with 503 and Retry-After, and the server sees nothing.
        var before = await PostsAsync(_peer);
        var (open, openElapsed) = await TimedAsync(() => CallAsync(name, "add", new { a = 1, b = 1 }));
        using (open)
        {
            var problem = await AssertProblemAsync(open, HttpStatusCode.ServiceUnavailable, error: "circuit_open");
            var retryAfter = open.Headers.RetryAfter?.Delta;
            Assert.That(retryAfter, Is.Not.Null, "Retry-After header");
            Assert.That(retryAfter!.Value, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(Cooldown));
            Assert.That(problem["retryAfterSeconds"]!.GetValue<int>(), Is.EqualTo((int)retryAfter.Value.TotalSeconds));
        }

        var refused = await ReinitializeAsync(name);
        Assert.That(refused["success"]!.GetValue<bool>(), Is.False);
        Assert.That(refused["message"]!.GetValue<string>(), Does.Contain("not retrying"));
        var (state, message) = await StatusAsync(name);
        Assert.That(state, Is.EqualTo("error"));
        Assert.That(message, Does.Contain("circuit open"));
        Assert.That(await PostsAsync(_peer), Is.EqualTo(before), "no request reaches the server while the circuit is open");
        Assert.That(openElapsed, Is.LessThan(Timeout), "an open circuit answers without waiting on the server");

        // Healthy again: once the cooldown has passed the next request goes through and the circuit closes.
        await SetModeAsync(_peer, "ok");
        var recovered = await PollAsync(async () =>
        {
            using var response = await CallAsync(name, "add", new { a = 1, b = 1 });
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }, r => r.StatusCode != HttpStatusCode.ServiceUnavailable, Cooldown + Bound);
        Assert.That(recovered.StatusCode, Is.EqualTo(HttpStatusCode.OK), recovered.Body);
        Assert.That(JsonNode.Parse(recovered.Body)!["content"]![0]!["text"]!.GetValue<string>(), Is.EqualTo("2"));
        Assert.That((await StatusAsync(name)).State, Is.EqualTo("connected"));
        Assert.That(await ToolNamesAsync(name), Is.EquivalentTo(new[] { "echo", "add" }));
    }

    [TestCase("hang", HttpStatusCode.GatewayTimeout)]
    [TestCase("drop", HttpStatusCode.BadGateway)]
    public async Task ToolCallsThatKeepFailing_OpenTheCircuit_ThoughConnectingStillWorks(string fault, HttpStatusCode status)
    {
        var name = await CreateAsync(_peer, "Calls fail");
        Assert.That((await ReinitializeAsync(name))["success"]!.GetValue<bool>(), Is.True);
        await SetModeAsync(_peer, fault, "tools/call");

        // Each failed call closes its session and the next one connects anew, successfully: the failed calls still add up.
        using (var first = await CallAsync(name, "echo", new { message = "1" }))
        {
            await AssertProblemAsync(first, status);
        }

        using (var second = await CallAsync(name, "echo", new { message = "2" }))
        {
            var problem = await AssertProblemAsync(second, status);
            Assert.That(problem["message"]!.GetValue<string>(), Does.EndWith("(circuit opened)"));
        }

        var before = await StatsAsync(_peer);
        using (var open = await CallAsync(name, "echo", new { message = "3" }))
        {
            await AssertProblemAsync(open, HttpStatusCode.ServiceUnavailable, error: "circuit_open");
            Assert.That(open.Headers.RetryAfter?.Delta, Is.Not.Null);
        }

        Assert.That((await StatsAsync(_peer))["posts"]!.ToJsonString(), Is.EqualTo(before["posts"]!.ToJsonString()), "nothing reached the server");
        Assert.That(before["posts"]!["initialize"]!.GetValue<int>(), Is.EqualTo(2), "the second call connected anew");

        await SetModeAsync(_peer, "ok");
        var recovered = await PollAsync(async () =>
        {
            using var response = await CallAsync(name, "echo", new { message = "back" });
            return response.StatusCode;
        }, s => s != HttpStatusCode.ServiceUnavailable, Cooldown + Bound);
        Assert.That(recovered, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task AfterTheCooldown_OneFailedProbe_ReopensTheCircuit()
    {
        var name = await CreateAsync(_peer, "Still broken");
        await SetModeAsync(_peer, "garbage");
        await ReinitializeAsync(name);
        await ReinitializeAsync(name);
        using (var open = await CallAsync(name, "add", new { a = 1, b = 1 }))
        {
            await AssertProblemAsync(open, HttpStatusCode.ServiceUnavailable, error: "circuit_open");
        }

        // Still broken after the cooldown: the first request probes the server and fails.
        var probe = await PollAsync(async () =>
        {
            using var response = await CallAsync(name, "add", new { a = 1, b = 1 });
            return response.StatusCode;
        }, s => s != HttpStatusCode.ServiceUnavailable, Cooldown + Bound);
        Assert.That(probe, Is.EqualTo(HttpStatusCode.BadGateway));

        // Half-open means one probe: its failure opens the circuit again straight away, with no further attempts.
        var before = await PostsAsync(_peer);
        using (var reopened = await CallAsync(name, "add", new { a = 1, b = 1 }))
        {
            await AssertProblemAsync(reopened, HttpStatusCode.ServiceUnavailable, error: "circuit_open");
        }

        Assert.That(await PostsAsync(_peer), Is.EqualTo(before));
    }

    [Test]
    public async Task AHangingServer_DoesNotHoldUpOtherServers_StatusOrTheCatalogue()
    {
        await using var healthyPeer = await NodePeer.StartFaultyAsync();
        var hanging = await CreateAsync(_peer, "Hanging");
        var healthy = await CreateAsync(healthyPeer, "Healthy");
        Assert.That((await ReinitializeAsync(hanging))["success"]!.GetValue<bool>(), Is.True);
        Assert.That((await ReinitializeAsync(healthy))["success"]!.GetValue<bool>(), Is.True);
        await SetModeAsync(_peer, "hang", "tools/call");

        // A call stuck on the hanging server ...
        var stuck = CallAsync(hanging, "add", new { a = 1, b = 1 });
        await PollAsync(async () => (await StatsAsync(_peer))["posts"]!["tools/call"]?.GetValue<int>() ?? 0, n => n > 0, Bound);

        // ... while the healthy server, the status and the catalogue answer before the stuck call times out.
        using (var call = await CallAsync(healthy, "echo", new { message = "still here" }))
        {
            Assert.That(call.StatusCode, Is.EqualTo(HttpStatusCode.OK), await call.Content.ReadAsStringAsync());
        }

        Assert.That((await StatusAsync(healthy)).State, Is.EqualTo("connected"));
        Assert.That(await ToolNamesAsync(hanging), Is.EquivalentTo(new[] { "echo", "add" }), "the catalogue comes from the cache");
        Assert.That(stuck.IsCompleted, Is.False, "the healthy answers came while the hanging call was still waiting");

        var started = Stopwatch.StartNew();
        using var response = await stuck;
        Assert.That(started.Elapsed, Is.LessThan(Bound));
        await AssertProblemAsync(response, HttpStatusCode.GatewayTimeout, error: "upstream_timeout");
    }

    private async Task<string> CreateAsync(NodePeer peer, string title) =>
        (await CreateServerAsync(Alice, new { type = "streamable-http", url = peer.Url, title = ConnectionsEndToEndTests.Unique(title) }))["serverName"]!.GetValue<string>();

    private static async Task SetModeAsync(NodePeer peer, string mode, params string[] methods)
    {
        using var response = await PeerControl.PostAsJsonAsync(new Uri(new Uri(peer.Url), "/__mode"),
            methods.Length == 0 ? new { mode } : (object)new { mode, methods });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonNode> StatsAsync(NodePeer peer) =>
        JsonNode.Parse(await PeerControl.GetStringAsync(new Uri(new Uri(peer.Url), "/__stats")))!;

    /// <summary>How many MCP requests (POSTs) the peer has received, whatever their method.</summary>
    private static async Task<int> PostsAsync(NodePeer peer) =>
        (await StatsAsync(peer))["posts"]!.AsObject().Sum(p => p.Value!.GetValue<int>());

    private static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> TimedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var started = Stopwatch.StartNew();
        var response = await send();
        return (response, started.Elapsed);
    }

    private async Task<JsonNode> ReinitializeAsync(string name)
    {
        using var response = await As(Alice).PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await ReadJsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body;
    }

    private Task<HttpResponseMessage> CallAsync(string name, string tool, object arguments) =>
        As(Alice).PostAsJsonAsync($"/api/mcp/{name}/tools/{tool}/call", new { arguments });

    /// <summary>The connection state and error of the server, from the single-server and the bulk status routes, which must agree.</summary>
    private async Task<(string State, string? Error)> StatusAsync(string name)
    {
        using var single = await As(Alice).GetAsync($"/api/mcp/connection/status/{name}");
        var one = await ReadJsonAsync(single);
        using var all = await As(Alice).GetAsync("/api/mcp/connection/status");
        var entry = (await ReadJsonAsync(all))["connectionStatus"]![name]!;
        var state = one["connectionStatus"]!.GetValue<string>();
        var error = one["error"]?.GetValue<string>();
        Assert.That((entry["connectionState"]!.GetValue<string>(), entry["error"]?.GetValue<string>()), Is.EqualTo((state, error)), "both routes agree");
        return (state, error);
    }

    private async Task<IReadOnlyList<string>> ToolNamesAsync(string name)
    {
        using var response = await As(Alice).GetAsync("/api/mcp/tools");
        var tools = (await ReadJsonAsync(response))["servers"]![name]?["tools"]?.AsArray() ?? [];
        return [.. tools.Select(t => t!["name"]!.GetValue<string>())];
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || deadline.Elapsed > limit)
            {
                return value;
            }

            await Task.Delay(200);
        }
    }
}
