using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>The platform against @modelcontextprotocol/server-everything from npm over streamable HTTP, SSE and
/// stdio: no mocks between the API and the servers.</summary>
[NonParallelizable]
public sealed class ConnectionsEndToEndTests : ApiTest
{
    private const string StdioServer = ConnectionsHost.StdioServer;
    private const string EnvServer = ConnectionsHost.EnvServer;
    private const string LiteralLoopbackServer = ConnectionsHost.LiteralLoopbackServer;

    private NodePeer _streamable = null!;
    private NodePeer _sse = null!;

    protected override Task<ApiFactory> StartHostAsync() => ConnectionsHost.StartAsync();

    [OneTimeSetUp]
    public async Task StartPeers()
    {
        _streamable = await NodePeer.StartEverythingStreamableAsync();
        _sse = await NodePeer.StartEverythingSseAsync();
    }

    [OneTimeTearDown]
    public async Task StopPeers()
    {
        await _streamable.DisposeAsync();
        await _sse.DisposeAsync();
    }

    internal static string Unique(string title) => $"{title} {Guid.NewGuid():N}"[..(title.Length + 9)];

    [TestCase("streamable-http")]
    [TestCase("sse")]
    public async Task Reinitialize_ListsTools_AndCallsRoundTrip(string type)
    {
        var url = type == "sse" ? _sse.Url : _streamable.Url;
        var name = (await CreateServerAsync(Alice, new { type, url, title = Unique("Everything") }))["serverName"]!.GetValue<string>();

        var reinit = await ReinitializeAsync(Alice, name);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reinit["success"]!.GetValue<bool>(), Is.True, reinit.ToJsonString());
            Assert.That(reinit["oauthRequired"]!.GetValue<bool>(), Is.False);
            Assert.That(reinit.AsObject().ContainsKey("oauthUrl"), Is.True, "oauthUrl is present even when null");
            Assert.That(reinit["oauthUrl"], Is.Null);
        }

        var tools = await ToolsAsync(Alice, name);
        Assert.That(tools.Select(t => t!["name"]!.GetValue<string>()), Is.SupersetOf(new[] { "echo", "get-sum" }));
        Assert.That(tools.Single(t => t!["name"]!.GetValue<string>() == "echo")!["pluginKey"]!.GetValue<string>(), Is.EqualTo($"echo_mcp_{name}"));
        Assert.That(tools.Single(t => t!["name"]!.GetValue<string>() == "get-sum")!["inputSchema"]!["properties"]!["a"], Is.Not.Null);
        Assert.That(await StateAsync(Alice, name), Is.EqualTo("connected"));

        var sum = await CallAsync(Alice, name, "get-sum", new { a = 2, b = 3 });
        Assert.That(sum.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReadJsonAsync(sum))["content"]![0]!["text"]!.GetValue<string>(), Does.Contain("5"));

        const string message = "héllo wörld — 你好 👋";
        var echo = await ReadJsonAsync(await CallAsync(Alice, name, "echo", new { message }));
        Assert.That(echo["content"]![0]!["text"]!.GetValue<string>(), Is.EqualTo($"Echo: {message}"));

        using var unknown = await CallAsync(Alice, name, "no-such-tool", new { });
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);

        using var wrongTypes = await CallAsync(Alice, name, "get-sum", new { a = "two", b = new[] { 3 } });
        var wrong = await ReadJsonAsync(wrongTypes);
        Assert.That(wrongTypes.StatusCode, Is.EqualTo(HttpStatusCode.OK), wrong.ToJsonString());
        Assert.That(wrong["isError"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task AppLevelStdioServer_IsConnectedAtStartUp_AndCallable()
    {
        // Connected in the background when the host started: its tools show without anyone reinitializing.
        var tools = await PollAsync(async () => await ToolsAsync(Alice, StdioServer), t => t.Count > 0);
        Assert.That(tools.Select(t => t!["name"]!.GetValue<string>()), Does.Contain("echo"));
        var echo = await ReadJsonAsync(await CallAsync(Bob, StdioServer, "echo", new { message = "stdio" }));
        Assert.That(echo["content"]![0]!["text"]!.GetValue<string>(), Is.EqualTo("Echo: stdio"));
    }

    [Test]
    public async Task CustomUserVars_AreRequired_ReachTheServer_AndUninstallDisconnects()
    {
        const string secret = "platform-test-token-PLUGH";
        var before = await ReinitializeAsync(Alice, EnvServer);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(before["success"]!.GetValue<bool>(), Is.False);
            Assert.That(before["missingUserVars"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { "TEST_TOKEN" }));
            Assert.That(await FlagAsync(Alice), Is.False);
        }

        using (var install = await As(Alice).PostAsJsonAsync("/api/user/plugins", new { pluginKey = $"mcp_{EnvServer}", action = "install", auth = new Dictionary<string, string> { ["TEST_TOKEN"] = secret } }))
        {
            Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.OK), await install.Content.ReadAsStringAsync());
        }

        Assert.That(await FlagAsync(Alice), Is.True);
        Assert.That(await FlagAsync(Bob), Is.False, "variables are per user");
        var after = await ReinitializeAsync(Alice, EnvServer);
        Assert.That(after["success"]!.GetValue<bool>(), Is.True, after.ToJsonString());
        var env = await ReadJsonAsync(await CallAsync(Alice, EnvServer, "get-env", new { }));
        Assert.That(env["content"]![0]!["text"]!.GetValue<string>(), Does.Contain(secret), "the variable reached the server's environment");
        Assert.That(await TestDatabase.DumpAsync("credential_variables"), Does.Not.Contain(secret), "stored as ciphertext only");

        using (var uninstall = await As(Alice).PostAsJsonAsync("/api/user/plugins", new { pluginKey = $"mcp_{EnvServer}", action = "uninstall" }))
        {
            Assert.That(uninstall.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StateAsync(Alice, EnvServer), Is.EqualTo("disconnected"));
            Assert.That(await ToolsAsync(Alice, EnvServer), Is.Empty);
            Assert.That(await FlagAsync(Alice), Is.False);
            Assert.That(Api.Logs.Lines, Has.None.Contains(secret), "never logged");
        }
    }

    [Test]
    public async Task PluginsRoute_RefusesUnknownServersVariablesAndKeys()
    {
        using var unknownServer = await As(Alice).PostAsJsonAsync("/api/user/plugins", new { pluginKey = "mcp_nope", action = "install", auth = new { X = "1" } });
        await AssertProblemAsync(unknownServer, HttpStatusCode.NotFound, error: "MCP server 'nope' not found in configuration");
        using var unknownVariable = await As(Alice).PostAsJsonAsync("/api/user/plugins", new { pluginKey = $"mcp_{EnvServer}", action = "install", auth = new { NOT_DECLARED = "1" } });
        await AssertProblemAsync(unknownVariable, HttpStatusCode.BadRequest);
        using var notMcp = await As(Alice).PostAsJsonAsync("/api/user/plugins", new { pluginKey = "dalle", action = "install" });
        await AssertProblemAsync(notMcp, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task KilledServer_IsReportedThenReinitializeBringsItBack()
    {
        var peer = await NodePeer.StartEverythingStreamableAsync();
        try
        {
            var name = (await CreateServerAsync(Alice, new { type = "streamable-http", url = peer.Url, title = Unique("Mortal") }))["serverName"]!.GetValue<string>();
            Assert.That((await ReinitializeAsync(Alice, name))["success"]!.GetValue<bool>(), Is.True);
            await peer.StopAsync();

            using (var call = await CallAsync(Alice, name, "echo", new { message = "anyone?" }))
            {
                Assert.That((int)call.StatusCode, Is.EqualTo(502).Or.EqualTo(504), await call.Content.ReadAsStringAsync());
            }

            Assert.That(await StateAsync(Alice, name), Is.EqualTo("error").Or.EqualTo("disconnected"));
            var failed = await ReinitializeAsync(Alice, name);
            Assert.That(failed["success"]!.GetValue<bool>(), Is.False);

            await using var revived = await NodePeer.StartAsync(NodePeer.EverythingScript, ["streamableHttp"],
                new Dictionary<string, string> { ["PORT"] = peer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                [new System.Text.RegularExpressions.Regex("listening on port")]);
            var back = await ReinitializeAsync(Alice, name);
            Assert.That(back["success"]!.GetValue<bool>(), Is.True, back.ToJsonString());
            Assert.That(await StateAsync(Alice, name), Is.EqualTo("connected"));
        }
        finally
        {
            await peer.DisposeAsync();
        }
    }

    [Test]
    public async Task PrivateAddress_IsRefusedAtConnectTime()
    {
        var reinit = await ReinitializeAsync(Alice, LiteralLoopbackServer);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reinit["success"]!.GetValue<bool>(), Is.False);
            Assert.That(reinit["message"]!.GetValue<string>(), Does.Contain("refused by the outbound address policy"));
        }
    }

    [Test]
    public async Task StatusAndTools_ForFiftyServersWithTenDead_AnswerWithoutWaitingOnTheDead()
    {
        var names = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var url = i < 40 ? _streamable.Url : $"http://localhost:{NodePeer.FreePort()}/mcp";
            names.Add((await CreateServerAsync(Carol, new { type = "streamable-http", url, title = Unique($"Fleet {i}") }))["serverName"]!.GetValue<string>());
        }

        var outcomes = await Task.WhenAll(names.Select(n => ReinitializeAsync(Carol, n)));
        Assert.That(outcomes.Count(o => o["success"]!.GetValue<bool>()), Is.EqualTo(40));

        using var status = await As(Carol).GetAsync("/api/mcp/connection/status");
        var states = (await ReadJsonAsync(status))["connectionStatus"]!.AsObject();
        using var tools = await As(Carol).GetAsync("/api/mcp/tools");
        var catalogue = (await ReadJsonAsync(tools))["servers"]!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(names.Take(40).Select(n => states[n]!["connectionState"]!.GetValue<string>()), Is.All.EqualTo("connected"));
            Assert.That(names.Skip(40).Select(n => states[n]!["connectionState"]!.GetValue<string>()), Is.All.EqualTo("error"));
            Assert.That(names.Skip(40).Select(n => states[n]!["error"]?.GetValue<string>()), Is.All.Not.Null);
            Assert.That(names.Take(40).Select(n => catalogue[n]!["tools"]!.AsArray().Count), Is.All.GreaterThan(0));
            Assert.That(names.Skip(40).Select(n => catalogue[n]!["tools"]!.AsArray().Count), Is.All.Zero);
        }
    }

    [Test]
    public async Task ConnectionRoutes_HideServersTheCallerCannotSee()
    {
        var name = (await CreateServerAsync(Alice, new { type = "streamable-http", url = _streamable.Url, title = Unique("Private") }))["serverName"]!.GetValue<string>();
        var notFound = $"MCP server '{name}' not found in configuration";
        using var reinit = await As(Bob).PostAsync($"/api/mcp/{name}/reinitialize", null);
        using var status = await As(Bob).GetAsync($"/api/mcp/connection/status/{name}");
        using var values = await As(Bob).GetAsync($"/api/mcp/{name}/auth-values");
        using var call = await CallAsync(Bob, name, "echo", new { message = "x" });
        foreach (var response in new[] { reinit, status, values, call })
        {
            await AssertProblemAsync(response, HttpStatusCode.NotFound, error: notFound);
        }

        using var all = await As(Bob).GetAsync("/api/mcp/connection/status");
        Assert.That((await ReadJsonAsync(all))["connectionStatus"]!.AsObject().ContainsKey(name), Is.False);
    }

    [Test]
    public async Task UpdatingAServer_DropsItsConnectionsAndCachedTools()
    {
        var name = (await CreateServerAsync(Alice, new { type = "streamable-http", url = _streamable.Url, title = Unique("Changing") }))["serverName"]!.GetValue<string>();
        Assert.That((await ReinitializeAsync(Alice, name))["success"]!.GetValue<bool>(), Is.True);
        using (var patch = await As(Alice).PatchAsJsonAsync($"/api/mcp/servers/{name}", new { config = new { type = "sse", url = _sse.Url } }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(await StateAsync(Alice, name), Is.EqualTo("disconnected"));
        Assert.That(await ToolsAsync(Alice, name), Is.Empty);
    }

    [Test]
    public async Task ReinitializeAcceptsAnEmptyJsonBody()
    {
        var name = (await CreateServerAsync(Alice, new { type = "streamable-http", url = _streamable.Url, title = Unique("Empty Body") }))["serverName"]!.GetValue<string>();
        using var content = new StringContent(string.Empty, System.Text.Encoding.UTF8, "application/json");
        using var response = await As(Alice).PostAsync($"/api/mcp/{name}/reinitialize", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task FiftyStdioConnections_StartAndStop_LeavingNoChildProcesses()
    {
        var baseline = ChildNodeProcesses();
        var users = Enumerable.Range(0, 50).Select(i => new Caller($"stdio-user-{i}", SystemRoles.User, [])).ToList();
        foreach (var batch in users.Chunk(10))
        {
            await Task.WhenAll(batch.Select(async user =>
            {
                using var install = await As(user).PostAsJsonAsync("/api/user/plugins", new { pluginKey = $"mcp_{EnvServer}", action = "install", auth = new Dictionary<string, string> { ["TEST_TOKEN"] = $"credential-of-{user.UserId}" } });
                Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That((await ReinitializeAsync(user, EnvServer))["success"]!.GetValue<bool>(), Is.True);
            }));
        }

        Assert.That(ChildNodeProcesses(), Is.GreaterThanOrEqualTo(baseline + 50), "one process per user connection");
        foreach (var batch in users.Chunk(10))
        {
            await Task.WhenAll(batch.Select(async user =>
            {
                using var uninstall = await As(user).PostAsJsonAsync("/api/user/plugins", new { pluginKey = $"mcp_{EnvServer}", action = "uninstall" });
                Assert.That(uninstall.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }));
        }

        var remaining = await PollAsync(() => Task.FromResult(ChildNodeProcesses()), count => count <= baseline);
        Assert.That(remaining, Is.LessThanOrEqualTo(baseline), "every stdio child process was reaped");
    }

    /// <summary>Live <c>node</c> processes whose parent is this test process (the hosted API spawns stdio servers in-process).</summary>
    private static int ChildNodeProcesses()
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                if (name == "node" && fields[0] != "Z" && int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == Environment.ProcessId)
                {
                    count++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                // Processes come and go while we read.
            }
        }

        return count;
    }

    private async Task<JsonNode> ReinitializeAsync(Caller caller, string name)
    {
        using var response = await As(caller).PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await ReadJsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body;
    }

    private async Task<JsonArray> ToolsAsync(Caller caller, string name)
    {
        using var response = await As(caller).GetAsync("/api/mcp/tools");
        var body = await ReadJsonAsync(response);
        return body["servers"]![name]?["tools"]?.AsArray() ?? [];
    }

    private async Task<string> StateAsync(Caller caller, string name)
    {
        using var response = await As(caller).GetAsync($"/api/mcp/connection/status/{name}");
        var body = await ReadJsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["connectionStatus"]!.GetValue<string>();
    }

    private async Task<bool> FlagAsync(Caller caller)
    {
        using var response = await As(caller).GetAsync($"/api/mcp/{EnvServer}/auth-values");
        return (await ReadJsonAsync(response))["authValueFlags"]!["TEST_TOKEN"]!.GetValue<bool>();
    }

    private Task<HttpResponseMessage> CallAsync(Caller caller, string name, string tool, object arguments) =>
        As(caller).PostAsJsonAsync($"/api/mcp/{name}/tools/{tool}/call", new { arguments });

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(200);
        }
    }
}
