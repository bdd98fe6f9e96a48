using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// The official MCP conformance suite's client <c>auth</c> scenarios (<c>@modelcontextprotocol/conformance</c>, pinned
/// in package.json) against the platform as an OAuth client. Each scenario starts the suite's own MCP server and mock
/// authorization server (auto-approving) on random <c>localhost</c> ports; the test drives the platform through its REST
/// API as a user would (create server → reinitialize → authorize → tools → call, authorizing again where the platform
/// asks, e.g. on <c>403 oauth_required</c>, at most 3 authorizations in all), then stops the scenario (SIGTERM) and reads
/// its <c>checks.json</c>.
/// A scenario fails on any FAILURE or WARNING check, as the suite's own exit code does, or when the platform did not end
/// where a user needs it (the tool call worked; for retry-limit and resource-mismatch: it stopped asking). Scenarios listed in
/// <c>Peers/conformance-baseline.yml</c> are expected to fail; one that passes fails the test as a stale baseline entry.
/// </summary>
[NonParallelizable]
public sealed partial class ConformanceTests : ApiTest
{
    /// <summary>Every <c>auth/</c> client scenario of <c>conformance list</c> at 0.1.13: its <c>auth</c> suite (the first 15),
    /// the <c>backcompat</c> suite (2025-03-26 servers) and the <c>extensions</c> suite (client credentials).</summary>
    private static readonly string[] AuthScenarios =
    [
        "auth/metadata-default",
        "auth/metadata-var1",
        "auth/metadata-var2",
        "auth/metadata-var3",
        "auth/basic-cimd",
        "auth/scope-from-www-authenticate",
        "auth/scope-from-scopes-supported",
        "auth/scope-omitted-when-undefined",
        "auth/scope-step-up",
        "auth/scope-retry-limit",
        "auth/token-endpoint-auth-basic",
        "auth/token-endpoint-auth-post",
        "auth/token-endpoint-auth-none",
        "auth/resource-mismatch",
        "auth/pre-registration",
        "auth/2025-03-26-oauth-metadata-backcompat",
        "auth/2025-03-26-oauth-endpoint-fallback",
        "auth/client-credentials-jwt",
        "auth/client-credentials-basic",
    ];

    /// <summary>Scenarios whose data (<c>MCP_CONFORMANCE_CONTEXT</c>: pre-registered client credentials, keys) is only
    /// given to a <c>--command</c> client: interactive mode prints no context. They run with a command that waits for
    /// the test to finish, and the context is read from the line "With context: {…}" the suite prints on stderr.</summary>
    private static readonly HashSet<string> CommandModeScenarios = new(StringComparer.Ordinal)
    {
        "auth/pre-registration",
        "auth/client-credentials-jwt",
        "auth/client-credentials-basic",
    };

    private const string RedirectPrefix = "http://localhost:5080/api/mcp/";
    private const int MaxAuthorizations = 3;
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The client id the suite expects from a client that uses Client ID Metadata Documents
    /// (<c>auth/basic-cimd</c>): the test host publishes its CIMD "there" (<c>OAuth:ClientMetadataUrl</c>); the mock
    /// authorization server only compares the client id and never fetches the document.</summary>
    private const string CimdClientId = "https://conformance-test.local/client-metadata.json";

    private ApiFactory? _host;

    /// <summary>The connections host's settings (outbound to <c>localhost</c>, short timers) without its app-level stdio
    /// servers, plus <c>OAuth:ClientMetadataUrl</c>: a host of its own, because the shared one has no CIMD URL.</summary>
    [OneTimeSetUp]
    public async Task StartHost()
    {
        await ConnectionsHost.StartAsync(); // creates and migrates the test database and sets the environment
        var settings = ConnectionsHost.Settings()
            .Where(s => !s.Key.StartsWith("Mcp:Servers:", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        settings["OAuth:ClientMetadataUrl"] = CimdClientId;
        _host = new ApiFactory(settings);
    }

    protected override Task<ApiFactory> StartHostAsync() => Task.FromResult(_host ?? throw new InvalidOperationException("no host"));

    [OneTimeTearDown]
    public async Task StopHost()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }
    }

    private static IEnumerable<TestCaseData> Scenarios() =>
        AuthScenarios.Select(s => new TestCaseData(s).SetArgDisplayNames(s));

    [TestCaseSource(nameof(Scenarios))]
    public async Task AuthScenario(string scenario)
    {
        var baseline = Baseline.Load();
        var outputDir = Path.Combine(Path.GetTempPath(), "mcp-conformance-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(outputDir);
        var transcript = new List<string>();
        var logMark = Api.Logs.Lines.Count;
        var clock = Stopwatch.StartNew();

        JsonArray checks;
        var drive = new Drive();
        await using (var run = await ScenarioProcess.StartAsync(scenario, outputDir, CommandModeScenarios.Contains(scenario)))
        {
            transcript.Add($"scenario server {run.ServerUrl}" + (run.Context is null ? string.Empty : $" context with {string.Join(", ", run.Context.Select(p => p.Key))}"));
            using var budget = new CancellationTokenSource(ScenarioTimeout);
            try
            {
                await DriveAsync(run, drive, transcript).WaitAsync(budget.Token);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or OperationCanceledException or JsonException or InvalidOperationException)
            {
                transcript.Add($"driver stopped: {e.GetType().Name}: {e.Message}");
            }

            checks = await run.StopAndReadChecksAsync();
        }

        var failing = checks.Where(c => Status(c) is "FAILURE" or "WARNING").ToList();
        var driverProblem = DriverProblem(scenario, drive);
        var failed = failing.Count > 0 || driverProblem is not null;
        var report = Report(scenario, checks, failing, driverProblem, transcript, Api.Logs.Lines.Skip(logMark), clock.Elapsed, outputDir);
        TestContext.Out.WriteLine(report);

        if (baseline.TryGetValue(scenario, out var reason))
        {
            if (!failed)
            {
                Assert.Fail($"stale baseline: remove {scenario} from Peers/conformance-baseline.yml (it was: {reason})\n{report}");
            }

            TestContext.Out.WriteLine($"expected failure (baseline): {reason}");
        }
        else
        {
            Assert.That(failed, Is.False, report);
        }

        Directory.Delete(outputDir, recursive: true);
    }

    /// <summary>Create → reinitialize → (authorize) → tools → call the first tool. Authorization is followed wherever the
    /// platform offers it: reinitialize's <c>oauthUrl</c>, a tool call's 403 <c>oauth_required</c> (step-up), or a
    /// reinitialize after an authorization that left no tools (the server refused the new token's scope when listing);
    /// at most <see cref="MaxAuthorizations"/> in all, after which the test records whether the platform still offers one.</summary>
    private async Task DriveAsync(ScenarioProcess run, Drive drive, List<string> transcript)
    {
        var config = new JsonObject
        {
            ["type"] = "streamable-http",
            ["url"] = run.ServerUrl,
            ["title"] = ConnectionsEndToEndTests.Unique("Conformance"),
        };
        if (run.Context?["client_id"] is { } clientId)
        {
            config["oauth"] = new JsonObject { ["client_id"] = clientId.GetValue<string>(), ["client_secret"] = run.Context["client_secret"]?.GetValue<string>() };
        }

        using var created = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config });
        var createdBody = await created.Content.ReadAsStringAsync();
        transcript.Add($"POST /api/mcp/servers → {(int)created.StatusCode} {Shorten(createdBody)}");
        if (created.StatusCode != HttpStatusCode.Created)
        {
            return;
        }

        var name = JsonNode.Parse(createdBody)!["serverName"]!.GetValue<string>();
        using var browser = SpaBrowser.Of(Api, Alice);
        var pending = await ReinitializeAsync(name, transcript);
        for (var step = 0; step < 10; step++)
        {
            if (pending is not null)
            {
                if (drive.Authorizations >= MaxAuthorizations)
                {
                    transcript.Add($"the platform offers authorization #{drive.Authorizations + 1}; the test stops at {MaxAuthorizations}");
                    drive.OfferedAfterLimit = true;
                    return;
                }

                drive.Authorizations++;
                // As the SPA does before opening an authorization URL: bind this browser to the flow.
                await browser.BindAsync(name);
                if (!await AuthorizeAndDeliverAsync(browser, pending, transcript))
                {
                    return;
                }

                pending = null;
            }

            using var toolsResponse = await As(Alice).GetAsync("/api/mcp/tools");
            var tools = (await ReadJsonAsync(toolsResponse))["servers"]?[name]?["tools"]?.AsArray() ?? [];
            transcript.Add($"GET tools → {(int)toolsResponse.StatusCode} [{string.Join(", ", tools.Select(t => t?["name"]?.GetValue<string>()))}]");
            if (tools.FirstOrDefault() is not { } tool)
            {
                // Authorized, yet no tools: ask again, as a user would, and follow what the platform offers.
                pending = drive.Authorizations > 0 ? await ReinitializeAsync(name, transcript) : null;
                if (pending is null)
                {
                    return;
                }

                continue;
            }

            var toolName = tool["name"]!.GetValue<string>();
            using var call = await As(Alice).PostAsJsonAsync($"/api/mcp/{name}/tools/{Uri.EscapeDataString(toolName)}/call", new { arguments = ArgumentsFor(tool["inputSchema"]) });
            var body = await call.Content.ReadAsStringAsync();
            transcript.Add($"POST tools/{toolName}/call → {(int)call.StatusCode} {Shorten(body)}");
            var answer = JsonNode.Parse(body);
            if (call.StatusCode == HttpStatusCode.OK)
            {
                drive.ToolCallSucceeded = answer?["isError"]?.GetValue<bool>() != true;
                return;
            }

            if (call.StatusCode != HttpStatusCode.Forbidden || answer?["error"]?.GetValue<string>() != "oauth_required" ||
                answer["oauthUrl"]?.GetValue<string>() is not { } again)
            {
                return;
            }

            pending = again;
        }

        transcript.Add("gave up after 10 steps");
    }

    /// <summary>POST reinitialize; the authorization URL when the platform asks for one.</summary>
    private async Task<string?> ReinitializeAsync(string name, List<string> transcript)
    {
        using var reinit = await As(Alice).PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await reinit.Content.ReadAsStringAsync();
        transcript.Add($"POST reinitialize → {(int)reinit.StatusCode} {Shorten(body)}");
        var json = reinit.IsSuccessStatusCode ? JsonNode.Parse(body) : null;
        return json?["oauthRequired"]?.GetValue<bool>() == true ? json["oauthUrl"]?.GetValue<string>() : null;
    }

    /// <summary>Follows the authorization server's redirects to the platform's callback and delivers it there.</summary>
    private static async Task<bool> AuthorizeAndDeliverAsync(SpaBrowser platform, string authorizationUrl, List<string> transcript)
    {
        transcript.Add($"authorize {Shorten(authorizationUrl, 600)}");
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        var next = new Uri(authorizationUrl);
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(next);
            if (response.Headers.Location is not { } location)
            {
                transcript.Add($"  AS answered {(int)response.StatusCode} without a redirect: {Shorten(await response.Content.ReadAsStringAsync())}");
                return false;
            }

            var absolute = location.IsAbsoluteUri ? location : new Uri(next, location);
            if (absolute.ToString().StartsWith(RedirectPrefix, StringComparison.Ordinal))
            {
                using var delivered = await platform.DeliverAsync(absolute.ToString());
                var landing = delivered.Headers.Location?.ToString() ?? string.Empty;
                transcript.Add($"  callback → {(int)delivered.StatusCode} {landing}");
                return landing.StartsWith("/oauth/success", StringComparison.Ordinal);
            }

            next = absolute;
        }

        transcript.Add("  the authorization server never redirected to the platform");
        return false;
    }

    /// <summary>Why the platform's side of the scenario did not end as a user needs it to, or null.</summary>
    private static string? DriverProblem(string scenario, Drive drive) => scenario switch
    {
        "auth/scope-retry-limit" when drive.OfferedAfterLimit => $"the platform kept offering authorization after {MaxAuthorizations} refused scope upgrades",
        "auth/scope-retry-limit" => null,
        "auth/resource-mismatch" when drive.Authorizations > 0 || drive.ToolCallSucceeded => "the platform authorized against a server whose protected resource metadata names another resource",
        "auth/resource-mismatch" => null,
        _ when drive.OfferedAfterLimit => $"the platform still asked for authorization after {MaxAuthorizations}",
        _ when !drive.ToolCallSucceeded => "the platform never completed a tool call (see the transcript)",
        _ => null,
    };

    /// <summary>What the platform let the simulated user do.</summary>
    private sealed class Drive
    {
        public int Authorizations { get; set; }

        public bool ToolCallSucceeded { get; set; }

        public bool OfferedAfterLimit { get; set; }
    }

    /// <summary>Simple values for the required properties of a tool's input schema (the auth scenarios' tool has none).</summary>
    private static JsonObject ArgumentsFor(JsonNode? schema)
    {
        var arguments = new JsonObject();
        if (schema?["required"] is not JsonArray required)
        {
            return arguments;
        }

        foreach (var property in required.Select(r => r!.GetValue<string>()))
        {
            arguments[property] = schema["properties"]?[property]?["type"]?.GetValue<string>() switch
            {
                "number" or "integer" => 1,
                "boolean" => true,
                "array" => new JsonArray(),
                "object" => new JsonObject(),
                _ => "conformance",
            };
        }

        return arguments;
    }

    private static string Status(JsonNode? check) => check?["status"]?.GetValue<string>() ?? "?";

    private static string Report(
        string scenario,
        JsonArray checks,
        List<JsonNode?> failing,
        string? driverProblem,
        List<string> transcript,
        IEnumerable<string> logs,
        TimeSpan elapsed,
        string outputDir)
    {
        var text = new StringBuilder();
        var counts = checks.GroupBy(Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count().ToString(CultureInfo.InvariantCulture)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{scenario}: {string.Join(' ', counts)} in {elapsed.TotalSeconds:F1} s (results in {outputDir})");
        foreach (var check in failing)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Status(check)} {check?["id"]}: {check?["description"]} {check?["errorMessage"]} {Shorten(check?["details"]?.ToJsonString() ?? string.Empty, 800)}");
        }

        if (driverProblem is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  DRIVER {driverProblem}");
        }

        text.AppendLine("  transcript:");
        foreach (var line in transcript)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {line}");
        }

        var notable = logs
            .Where(l => l.StartsWith("Warning ", StringComparison.Ordinal) || l.StartsWith("Error ", StringComparison.Ordinal) ||
                        l.StartsWith("Critical ", StringComparison.Ordinal) || l.StartsWith("Information McpPlatform.", StringComparison.Ordinal))
            .Select(l => l.Split('\n')[0])
            .Take(30)
            .ToList();
        if (notable.Count > 0)
        {
            text.AppendLine("  platform log (warnings, errors, the platform's own information):");
            foreach (var line in notable)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {Shorten(line, 300)}");
            }
        }

        return text.ToString();
    }

    private static string Shorten(string text, int max = 400) => text.Length <= max ? text : text[..max] + "…";

    /// <summary><c>Peers/conformance-baseline.yml</c>: <c>scenario: reason</c> lines; <c>#</c> comments and blank lines ignored.</summary>
    private static class Baseline
    {
        public static Dictionary<string, string> Load()
        {
            var path = Path.Combine(NodePeer.TestProjectDir, "Peers", "conformance-baseline.yml");
            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in File.ReadAllLines(path))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new InvalidOperationException($"{path}: not 'scenario: reason': {raw}");
                }

                var scenario = line[..colon].Trim();
                if (!AuthScenarios.Contains(scenario, StringComparer.Ordinal))
                {
                    throw new InvalidOperationException($"{path}: unknown scenario {scenario}");
                }

                entries.Add(scenario, line[(colon + 1)..].Trim());
            }

            return entries;
        }
    }

    /// <summary>One <c>conformance client --scenario</c> process. Interactive mode (no <c>--command</c>) prints
    /// "Server URL: …" and waits for SIGINT/SIGTERM, on which it writes checks.json and exits 0. Command mode runs a shell
    /// loop as the "client" that waits for a file the test creates when it is done; the suite then writes checks.json and exits.</summary>
    private sealed partial class ScenarioProcess : IAsyncDisposable
    {
        private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

        private readonly Process _process;
        private readonly string _outputDir;
        private readonly string _doneFile;
        private readonly bool _commandMode;
        private readonly StringBuilder _output = new();
        private readonly Lock _sync = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _serverUrl;
        private JsonObject? _context;

        private ScenarioProcess(Process process, string outputDir, bool commandMode)
        {
            _process = process;
            _outputDir = outputDir;
            _doneFile = Path.Combine(outputDir, "client-done");
            _commandMode = commandMode;
        }

        public string ServerUrl => _serverUrl ?? throw new InvalidOperationException("not ready");

        public JsonObject? Context => _context;

        private static string Cli => Path.Combine(NodePeer.NodeModules, "@modelcontextprotocol", "conformance", "dist", "index.js");

        public static async Task<ScenarioProcess> StartAsync(string scenario, string outputDir, bool commandMode)
        {
            var startInfo = new ProcessStartInfo(NodePeer.NodeExecutable)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
                WorkingDirectory = NodePeer.TestProjectDir,
            };
            foreach (var arg in new[] { Cli, "client", "--scenario", scenario, "-o", outputDir })
            {
                startInfo.ArgumentList.Add(arg);
            }

            var process = new Process { StartInfo = startInfo };
            var run = new ScenarioProcess(process, outputDir, commandMode);
            if (commandMode)
            {
                // The suite splits the command on spaces, appends the server URL and runs it with a shell: this loop waits
                // (at most ~60 s) for the test to create the done file; ':' swallows the appended URL.
                var done = run._doneFile;
                if (done.Contains(' ', StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"the temp path must not contain spaces: {done}");
                }

                startInfo.ArgumentList.Add("--timeout");
                startInfo.ArgumentList.Add("65000");
                startInfo.ArgumentList.Add("--command");
                startInfo.ArgumentList.Add($"i=0; while [ ! -e {done} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; :");
            }

            process.OutputDataReceived += (_, e) => run.OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => run.OnLine(e.Data);
            if (!process.Start())
            {
                throw new InvalidOperationException("could not start the conformance CLI");
            }

            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var finished = await Task.WhenAny(run._ready.Task, process.WaitForExitAsync(), Task.Delay(ReadyTimeout));
            if (finished != run._ready.Task)
            {
                await run.DisposeAsync();
                throw new AssertionException($"conformance {scenario} did not print its server URL{(commandMode ? " and context" : string.Empty)}:\n{run.Output}");
            }

            return run;
        }

        private string Output
        {
            get
            {
                lock (_sync)
                {
                    return _output.ToString();
                }
            }
        }

        /// <summary>Ends the scenario (SIGTERM in interactive mode, the done file in command mode), waits for the
        /// process to exit and returns the checks it wrote.</summary>
        public async Task<JsonArray> StopAndReadChecksAsync()
        {
            await StopAsync();
            var file = Directory.GetFiles(_outputDir, "checks.json", SearchOption.AllDirectories).SingleOrDefault()
                ?? throw new AssertionException($"no checks.json under {_outputDir}; conformance output:\n{Output}");
            return JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsArray();
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _process.Dispose();
        }

        private async Task StopAsync()
        {
            if (_process.HasExited)
            {
                return;
            }

            if (_commandMode)
            {
                await File.WriteAllTextAsync(_doneFile, "done");
            }

            await NodePeer.TerminateAsync(_process, ExitTimeout, signal: !_commandMode);
        }

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_sync)
            {
                _output.Append(line).Append('\n');
                if (!_commandMode && ServerUrlLine().Match(line) is { Success: true } interactive)
                {
                    _serverUrl = interactive.Groups[1].Value;
                }
                else if (_commandMode && ExecutingLine().Match(line) is { Success: true } executing)
                {
                    _serverUrl = executing.Groups[1].Value;
                }
                else if (_commandMode && line.StartsWith("With context: ", StringComparison.Ordinal))
                {
                    _context = JsonNode.Parse(line["With context: ".Length..])!.AsObject();
                }

                if (_serverUrl is not null && (!_commandMode || _context is not null))
                {
                    _ready.TrySetResult();
                }
            }
        }

        [GeneratedRegex(@"^Server URL: (http://\S+)$", RegexOptions.CultureInvariant)]
        private static partial Regex ServerUrlLine();

        [GeneratedRegex(@"^Executing client: .* (http://\S+)$", RegexOptions.CultureInvariant)]
        private static partial Regex ExecutingLine();
    }
}
