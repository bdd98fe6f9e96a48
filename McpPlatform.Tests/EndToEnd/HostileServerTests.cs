using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// The API, as its own process, against MCP servers that attack it (<see cref="HostileMcpServer"/>): answers of
/// 60 MB, 100,000 tools, answers dripped a byte at a time or SSE streams that only ever ping, and a burst of 10,000
/// <c>notifications/tools/list_changed</c>. Every hostile server also leaves the DELETE that closes its session
/// unanswered. Each attack must end within the platform's timeouts with the documented answer, keep the process's
/// resident memory within <see cref="GrowthBound"/> of what it was before (sampled every 20 ms while the attack runs),
/// and leave the API serving a healthy server.
/// </summary>
[NonParallelizable]
public sealed class HostileServerTests
{
    private static readonly Caller Alice = new("alice", SystemRoles.User, ["team-a"], "Alice", "alice@example.com");

    /// <summary>A hang detector: a connect and its tools/list (2 s each), the platform's grace for closing a session
    /// (2 s), and room for a loaded machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(9);

    /// <summary>What one attack may add to the API's resident memory at its peak.</summary>
    private const long GrowthBound = 100L * 1024 * 1024;

    private const long Huge = 60L * 1024 * 1024;

    private ApiProcess _api = null!;
    private HttpClient _alice = null!;
    private HostileMcpServer _healthy = null!;
    private string _healthyName = null!;
    private HostileMcpServer _server = null!;

    [OneTimeSetUp]
    public async Task StartApi()
    {
        await TestRun.StartApiAsync();
        await TestDatabase.ResetAsync();
        _api = await ApiProcess.StartAsync("hostile", new Dictionary<string, string>
        {
            ["Mcp:ConnectTimeout"] = "00:00:02",
            ["Mcp:ToolListTimeout"] = "00:00:02",
            ["Mcp:ToolCallTimeout"] = "00:00:02",
            // Production's levels: at Trace the SDK writes every message it receives to the log, whatever its size.
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        }, assembly: ApiProcess.BenchHost); // GET /bench/memory: a forced, compacting collection before each reading of resident memory
        _alice = _api.ClientFor(Alice);
        _alice.Timeout = TimeSpan.FromSeconds(30);
        _healthy = await HostileMcpServer.StartAsync();
        _healthyName = await CreateAsync(_healthy, "Healthy");

        // Warm-up: every path the attacks take once, so that what is measured is the attack and not JIT or pools.
        Assert.That((await ReinitializeAsync(_healthyName))["success"]!.GetValue<bool>(), Is.True);
        for (var i = 0; i < 5; i++)
        {
            await AssertHealthyAsync();
        }
    }

    [OneTimeTearDown]
    public async Task StopApi()
    {
        _alice?.Dispose();
        if (_healthy is not null)
        {
            await _healthy.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    [SetUp]
    public async Task StartHostileServer()
    {
        _server = await HostileMcpServer.StartAsync();
        _server.Delete = _server.HangAsync;
    }

    [TearDown]
    public async Task StopHostileServer() => await _server.DisposeAsync();

    [Test]
    public async Task AToolListOf60MB_FailsTheConnect_WithoutTheApiBufferingIt()
    {
        _server.ToolsList = (context, id) => _server.StreamLargeAsync(context, "application/json",
            $$"""{"jsonrpc":"2.0","id":{{id!.ToJsonString()}},"result":{"tools":[{"name":"big","inputSchema":{"type":"object"},"description":" """, Huge, "\"}]}}");
        var name = await CreateAsync(_server, "Huge list");

        var (body, elapsed) = await AttackAsync("tools/list of 60 MB", () => ReinitializeAsync(name));

        Assert.That(body["success"]!.GetValue<bool>(), Is.False, body.ToJsonString());
        Assert.That(body["message"]!.GetValue<string>(), Does.Contain("larger than"), "the message says why");
        Assert.That(elapsed, Is.LessThan(Bound));
        await AssertHealthyAsync();
    }

    [Test]
    public async Task HundredThousandTinyTools_KeepTheFirstThousand_InBoundedMemory()
    {
        var tools = TinyTools.Value;
        _server.ToolsList = (context, id) => HostileMcpServer.WriteJsonAsync(context, HostileMcpServer.Response(id, tools));
        var name = await CreateAsync(_server, "Many tools");

        var (body, elapsed) = await AttackAsync("100,000 tiny tools", () => ReinitializeAsync(name));

        Assert.That(body["success"]!.GetValue<bool>(), Is.True, body.ToJsonString());
        Assert.That(await ToolCountAsync(name), Is.EqualTo(1000), "Mcp:ToolListMaxTools (1000 by default) of them are kept");
        Assert.That(elapsed, Is.LessThan(Bound));
        await AssertHealthyAsync();
    }

    [Test]
    public async Task AToolResultOf60MB_Is502TooLarge_WithoutTheApiBufferingIt()
    {
        var name = await CreateAsync(_server, "Huge result");
        Assert.That((await ReinitializeAsync(name))["success"]!.GetValue<bool>(), Is.True);
        // As one SSE event: the size is known only by reading it.
        _server.ToolsCall = (context, id) => _server.StreamLargeAsync(context, "text/event-stream",
            $$"""event: message{{"\n"}}data: {"jsonrpc":"2.0","id":{{id!.ToJsonString()}},"result":{"content":[{"type":"text","text":" """, Huge, "\"}]}}\n\n");

        var ((status, problem), elapsed) = await AttackAsync("tool result of 60 MB", () => CallAsync(name));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadGateway), problem.ToJsonString());
        Assert.That(problem["error"]!.GetValue<string>(), Is.EqualTo("upstream_result_too_large"));
        Assert.That(elapsed, Is.LessThan(Bound));
        await AssertHealthyAsync();
    }

    [TestCase("initialize", "drip")]
    [TestCase("tools/list", "drip")]
    [TestCase("tools/call", "drip")]
    [TestCase("initialize", "ping")]
    [TestCase("tools/list", "ping")]
    [TestCase("tools/call", "ping")]
    public async Task AnAnswerThatNeverEnds_IsCutOffAtTheTimeout(string method, string how)
    {
        // "drip": a correct answer a byte every 50 ms (and spaces after it); "ping": an SSE stream of comments only.
        Func<HttpContext, JsonNode?, Task> neverEnding = how == "drip"
            ? (context, id) => _server.DripAsync(context, "application/json", HostileMcpServer.Response(id, AnswerTo(method)), TimeSpan.FromMilliseconds(50))
            : (context, _) => _server.PingForeverAsync(context, TimeSpan.FromMilliseconds(50));
        var name = await CreateAsync(_server, "Never ends");
        if (method == "tools/call")
        {
            Assert.That((await ReinitializeAsync(name))["success"]!.GetValue<bool>(), Is.True);
        }

        switch (method)
        {
            case "initialize":
                _server.Initialize = neverEnding;
                break;
            case "tools/list":
                _server.ToolsList = neverEnding;
                break;
            default:
                _server.ToolsCall = neverEnding;
                break;
        }

        if (method == "tools/call")
        {
            var ((status, problem), elapsed) = await AttackAsync($"{how} {method}", () => CallAsync(name));
            Assert.That(status, Is.EqualTo(HttpStatusCode.GatewayTimeout), problem.ToJsonString());
            Assert.That(problem["error"]!.GetValue<string>(), Is.EqualTo("upstream_timeout"));
            Assert.That(elapsed, Is.LessThan(Bound));
        }
        else
        {
            var (body, elapsed) = await AttackAsync($"{how} {method}", () => ReinitializeAsync(name));
            Assert.That(body["success"]!.GetValue<bool>(), Is.False, body.ToJsonString());
            Assert.That(elapsed, Is.LessThan(Bound));
        }

        await AssertHealthyAsync();
    }

    [Test]
    public async Task TenThousandListChangedNotifications_CauseAtMostTwoRelistings()
    {
        const int Burst = 10_000;
        var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var burstSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.ToolsList = async (context, id) =>
        {
            listed.TrySetResult();
            // Slow enough that the whole burst arrives while the first re-listing is still in flight.
            await _server.UntilStoppedAsync(context, async ct =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                await HostileMcpServer.WriteJsonAsync(context, HostileMcpServer.Response(id, HostileMcpServer.EchoTools));
            });
        };
        _server.Get = context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            return _server.UntilStoppedAsync(context, async ct =>
            {
                await context.Response.Body.FlushAsync(ct);
                // After the connect's own tools/list, when the session listens for the notification.
                await listed.Task.WaitAsync(ct);
                await Task.Delay(TimeSpan.FromMilliseconds(1500), ct);
                var one = Encoding.UTF8.GetBytes("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n");
                var burst = new byte[one.Length * Burst];
                for (var i = 0; i < Burst; i++)
                {
                    one.CopyTo(burst, i * one.Length);
                }

                await context.Response.Body.WriteAsync(burst, ct);
                await context.Response.Body.FlushAsync(ct);
                burstSent.TrySetResult();
                await Task.Delay(System.Threading.Timeout.Infinite, ct);
            });
        };
        var name = await CreateAsync(_server, "Notifies");

        var (listings, _) = await AttackAsync("10,000 list_changed", async () =>
        {
            Assert.That((await ReinitializeAsync(name))["success"]!.GetValue<bool>(), Is.True);
            await burstSent.Task.WaitAsync(TimeSpan.FromSeconds(15));
            // Until no new tools/list has arrived for longer than one takes to answer.
            var seen = _server.Received("tools/list");
            var quiet = Stopwatch.StartNew();
            var clock = Stopwatch.StartNew();
            while (quiet.Elapsed < TimeSpan.FromSeconds(2.5) && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
                var now = _server.Received("tools/list");
                if (now != seen)
                {
                    seen = now;
                    quiet.Restart();
                }
            }

            return seen;
        });

        TestContext.Out.WriteLine($"tools/list requests: {listings} (the connect's own, then re-listings)");
        Assert.That(listings, Is.InRange(2, 3), "one for the connect, then one re-listing in flight and at most one queued after it");
        Assert.That((await StatusAsync(name)), Is.EqualTo("connected"));
        await AssertHealthyAsync();
    }

    /// <summary>100,000 tools of about 50 bytes each in one <c>tools/list</c> result (~5 MB).</summary>
    private static readonly Lazy<string> TinyTools = new(() =>
    {
        var json = new StringBuilder("{\"tools\":[", 5_200_000);
        for (var i = 0; i < 100_000; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"name\":\"t").Append(i.ToString("D6", CultureInfo.InvariantCulture)).Append("\",\"inputSchema\":{\"type\":\"object\"}}");
        }

        return json.Append("]}").ToString();
    });

    private static string AnswerTo(string method) => method switch
    {
        "initialize" => """{"protocolVersion":"2025-11-25","capabilities":{"tools":{"listChanged":true}},"serverInfo":{"name":"hostile","version":"1.0.0"}}""",
        "tools/list" => HostileMcpServer.EchoTools,
        _ => """{"content":[{"type":"text","text":"Echo"}]}""",
    };

    /// <summary>Runs one attack and measures it: resident memory after a forced collection before, its peak while the
    /// attack runs, and after it and another collection; fails when the peak grew by more than <see cref="GrowthBound"/>.</summary>
    private async Task<(T Result, TimeSpan Elapsed)> AttackAsync<T>(string attack, Func<Task<T>> run)
    {
        await SettleAsync();
        var before = _api.ResidentBytes();
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, _api.ResidentBytes());
                await Task.Delay(20);
            }
        });
        var clock = Stopwatch.StartNew();
        T result;
        try
        {
            result = await run();
        }
        finally
        {
            clock.Stop();
            await sampling.CancelAsync();
            await sampler;
        }

        peak = Math.Max(peak, _api.ResidentBytes());
        await SettleAsync();
        var after = _api.ResidentBytes();
        TestContext.Out.WriteLine(FormattableString.Invariant(
            $"{attack}: answered in {clock.ElapsedMilliseconds} ms; resident {Mib(before):0} MiB before, peak +{Mib(peak - before):0.0} MiB, after a collection +{Mib(after - before):0.0} MiB"));
        Assert.That(peak - before, Is.LessThan(GrowthBound), $"{attack}: resident memory grew by {Mib(peak - before):0} MiB at its peak");
        return (result, clock.Elapsed);
    }

    private static double Mib(long bytes) => bytes / (1024.0 * 1024.0);

    private async Task SettleAsync()
    {
        using var response = await _alice.GetAsync("/bench/memory");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private async Task AssertHealthyAsync()
    {
        var clock = Stopwatch.StartNew();
        var (status, body) = await CallAsync(_healthyName);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), $"the healthy server is still served: {body.ToJsonString()}");
        Assert.That(clock.Elapsed, Is.LessThan(Bound));
    }

    private async Task<string> CreateAsync(HostileMcpServer server, string title)
    {
        using var response = await _alice.PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "streamable-http", url = server.Url, title = ConnectionsEndToEndTests.Unique(title) } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        return JsonNode.Parse(body)!["serverName"]!.GetValue<string>();
    }

    private async Task<JsonNode> ReinitializeAsync(string name)
    {
        using var response = await _alice.PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body)!;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> CallAsync(string name)
    {
        using var response = await _alice.PostAsJsonAsync($"/api/mcp/{name}/tools/echo/call", new { arguments = new { message = "hi" } });
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(body.Length == 0 ? "{}" : body)!);
    }

    private async Task<int> ToolCountAsync(string name)
    {
        using var response = await _alice.GetAsync("/api/mcp/tools");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["servers"]![name]?["tools"]?.AsArray().Count ?? 0;
    }

    private async Task<string> StatusAsync(string name)
    {
        using var response = await _alice.GetAsync($"/api/mcp/connection/status/{name}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["connectionStatus"]!.GetValue<string>();
    }
}
