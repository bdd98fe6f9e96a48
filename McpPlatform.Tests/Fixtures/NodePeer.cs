using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// A real MCP peer from npm (server-everything, the SDK's OAuth example, ...) run as
/// <c>node --require Peers/force-loopback.cjs &lt;script&gt; &lt;args&gt;</c>, so it listens on 127.0.0.1 only.
/// The packages come from <c>McpPlatform.Tests/node_modules</c> (<c>npm ci</c> in McpPlatform.Tests; ./scripts/test.sh does it).
/// Dispose (or <see cref="StopAsync"/>) sends SIGTERM, waits up to 5 s, then kills the process tree.
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    /// <summary>How long a peer may take to print its readiness line(s).</summary>
    public static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a peer may take to exit after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(5);

    private const string NpmHint = "run npm ci in McpPlatform.Tests (./scripts/test.sh does)";
    private const int SigTerm = 15;

    private static readonly Lazy<string> TestProjectDirLazy = new(FindTestProjectDir);
    private static readonly Lazy<string> NodeExecutableLazy = new(FindNodeExecutable);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _sync = new();
    private readonly Regex[] _readiness;
    private readonly bool[] _matched;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _stopTask;
    private string? _url;
    private string? _authUrl;
    private bool? _exitedWhenDisposed;

    private NodePeer(Process process, IReadOnlyList<Regex> readiness)
    {
        _process = process;
        _readiness = [.. readiness];
        _matched = new bool[_readiness.Length];
        if (_readiness.Length == 0)
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>The folder that holds McpPlatform.Tests.csproj (found by walking up from the test binaries).</summary>
    public static string TestProjectDir => TestProjectDirLazy.Value;

    /// <summary>McpPlatform.Tests/node_modules; throws with a hint when <c>npm ci</c> has not been run.</summary>
    public static string NodeModules
    {
        get
        {
            var dir = Path.Combine(TestProjectDir, "node_modules");
            return Directory.Exists(dir)
                ? dir
                : throw new InvalidOperationException($"{dir} is missing: {NpmHint}.");
        }
    }

    /// <summary>The preload that keeps peers on 127.0.0.1.</summary>
    public static string ForceLoopbackScript => RequireFile(Path.Combine(TestProjectDir, "Peers", "force-loopback.cjs"), "it is part of the repository");

    /// <summary>@modelcontextprotocol/server-everything's entry point (first argument: stdio | streamableHttp | sse).</summary>
    public static string EverythingScript =>
        RequireFile(Path.Combine(NodeModules, "@modelcontextprotocol", "server-everything", "dist", "index.js"), NpmHint);

    /// <summary>The SDK's example streamable-HTTP server, which with <c>--oauth</c> also runs a demo authorization server.</summary>
    public static string SdkOAuthExampleScript =>
        RequireFile(Path.Combine(NodeModules, "@modelcontextprotocol", "sdk", "dist", "esm", "examples", "server", "simpleStreamableHttp.js"), NpmHint);

    /// <summary>The "oidc MCP stack": oidc-provider as authorization server plus an SDK resource server that trusts its JWTs.</summary>
    public static string OidcStackScript =>
        RequireFile(Path.Combine(TestProjectDir, "Peers", "oidc-mcp-stack.mjs"), "it is part of the repository");

    /// <summary>The absolute path of <c>node</c> on PATH.</summary>
    public static string NodeExecutable => NodeExecutableLazy.Value;

    /// <summary>The process id of the node process.</summary>
    public int Pid { get; private set; }

    /// <summary>Whether the node process has exited.</summary>
    public bool HasExited => _exitedWhenDisposed ?? _process.HasExited;

    /// <summary>Everything the peer printed so far, stdout and stderr interleaved line by line.</summary>
    public string Output
    {
        get
        {
            lock (_sync)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The MCP endpoint, e.g. <c>http://localhost:PORT/mcp</c> (or <c>/sse</c>).</summary>
    public string Url => _url ?? throw new InvalidOperationException("This peer has no MCP URL.");

    /// <summary>
    /// The authorization server's base URL: with a trailing slash for the SDK OAuth example (<c>http://localhost:PORT/</c>),
    /// without one for the oidc stack (<c>http://localhost:PORT</c>, exactly its issuer).
    /// </summary>
    public string AuthUrl => _authUrl ?? throw new InvalidOperationException("This peer has no authorization server.");

    /// <summary>The MCP port.</summary>
    public int Port { get; private set; }

    /// <summary>The authorization server's port (SDK OAuth example and oidc stack; 0 otherwise).</summary>
    public int AuthPort { get; private set; }

    /// <summary>How long the start took, from spawning node until the readiness line(s) appeared.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>The command line for the platform to spawn server-everything over stdio itself.</summary>
    public static (string Command, string[] Args) EverythingStdioCommand() => (NodeExecutable, [EverythingScript, "stdio"]);

    /// <summary>A port that was free on 127.0.0.1 a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>server-everything over streamable HTTP; <see cref="Url"/> is <c>http://localhost:PORT/mcp</c>.</summary>
    public static Task<NodePeer> StartEverythingStreamableAsync(IReadOnlyDictionary<string, string>? environment = null) =>
        StartWithPortRetryAsync(() =>
        {
            var port = FreePort();
            return (port, 0, new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["PORT"] = Text(port) });
        },
        static () => [EverythingScript, "streamableHttp"],
        [new Regex("listening on port", RegexOptions.CultureInvariant)],
        static (port, _) => ($"http://localhost:{Text(port)}/mcp", null));

    /// <summary>server-everything over the legacy HTTP+SSE transport; <see cref="Url"/> is <c>http://localhost:PORT/sse</c>.</summary>
    public static Task<NodePeer> StartEverythingSseAsync(IReadOnlyDictionary<string, string>? environment = null) =>
        StartWithPortRetryAsync(() =>
        {
            var port = FreePort();
            return (port, 0, new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["PORT"] = Text(port) });
        },
        static () => [EverythingScript, "sse"],
        [new Regex("running on port", RegexOptions.CultureInvariant)],
        static (port, _) => ($"http://localhost:{Text(port)}/sse", null));

    /// <summary>
    /// The SDK's OAuth example: an MCP server (<see cref="Url"/> = <c>http://localhost:MCP_PORT/mcp</c>) protected by its own
    /// auto-approving authorization server (<see cref="AuthUrl"/> = <c>http://localhost:AUTH_PORT/</c>).
    /// With <paramref name="strict"/> (<c>--oauth-strict</c>) it enforces the RFC 8707 <c>resource</c> parameter.
    /// </summary>
    public static Task<NodePeer> StartSdkOAuthAsync(bool strict = false) =>
        StartWithPortRetryAsync(() =>
        {
            var (mcpPort, authPort) = TwoFreePorts();
            return (mcpPort, authPort, new Dictionary<string, string> { ["MCP_PORT"] = Text(mcpPort), ["MCP_AUTH_PORT"] = Text(authPort) });
        },
        () => strict ? [SdkOAuthExampleScript, "--oauth", "--oauth-strict"] : [SdkOAuthExampleScript, "--oauth"],
        [
            new Regex("OAuth Authorization Server listening on port", RegexOptions.CultureInvariant),
            new Regex("MCP Streamable HTTP Server listening on port", RegexOptions.CultureInvariant),
        ],
        static (mcpPort, authPort) => ($"http://localhost:{Text(mcpPort)}/mcp", $"http://localhost:{Text(authPort)}/"));

    /// <summary>
    /// The "oidc MCP stack" (<c>Peers/oidc-mcp-stack.mjs</c>): oidc-provider 9 as a real authorization server
    /// (<see cref="AuthUrl"/> = issuer = <c>http://localhost:AS_PORT</c>, no trailing slash; DCR at <c>/reg</c>, PKCE S256 required,
    /// auto-approving login + consent behind 303 redirects that need a cookie jar, RFC 9207 <c>iss</c>, rotating refresh tokens with
    /// reuse detection) and an MCP resource server (<see cref="Url"/> = <c>http://localhost:MCP_PORT/mcp</c>, tools <c>echo</c>, <c>whoami</c>)
    /// that accepts only the AS's JWT access tokens with <c>aud</c> = <see cref="Url"/>.
    /// Access tokens live <paramref name="accessTokenTtlSeconds"/> s, refresh tokens <paramref name="refreshTokenTtlSeconds"/> s.
    /// <c>GET http://localhost:MCP_PORT/__stats</c> (no auth) counts token requests by grant type, refresh-token reuse and registrations.
    /// </summary>
    public static Task<NodePeer> StartOidcStackAsync(int accessTokenTtlSeconds = 3600, int refreshTokenTtlSeconds = 86400)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(accessTokenTtlSeconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(refreshTokenTtlSeconds);
        return StartWithPortRetryAsync(() =>
        {
            var (mcpPort, authPort) = TwoFreePorts();
            return (mcpPort, authPort, new Dictionary<string, string>
            {
                ["AS_PORT"] = Text(authPort),
                ["MCP_PORT"] = Text(mcpPort),
                ["ACCESS_TOKEN_TTL"] = Text(accessTokenTtlSeconds),
                ["REFRESH_TOKEN_TTL"] = Text(refreshTokenTtlSeconds),
            });
        },
        static () => [OidcStackScript],
        [
            new Regex("OIDC AS listening on port", RegexOptions.CultureInvariant),
            new Regex("MCP resource server listening on port", RegexOptions.CultureInvariant),
        ],
        static (mcpPort, authPort) => ($"http://localhost:{Text(mcpPort)}/mcp", $"http://localhost:{Text(authPort)}"));
    }

    /// <summary>
    /// The "faulty MCP" peer (<c>Peers/faulty-mcp.mjs</c>): a stateless streamable-HTTP MCP server (<see cref="Url"/> =
    /// <c>http://localhost:PORT/mcp</c>, tools <c>echo</c>, <c>add</c>) that <c>POST /__mode</c> switches to hang, drop the
    /// connection mid-response or answer garbage, and whose <c>GET /__stats</c> counts the MCP requests it received.
    /// </summary>
    public static Task<NodePeer> StartFaultyAsync() =>
        StartWithPortRetryAsync(() =>
        {
            var port = FreePort();
            return (port, 0, new Dictionary<string, string> { ["PORT"] = Text(port) });
        },
        static () => [RequireFile(Path.Combine(TestProjectDir, "Peers", "faulty-mcp.mjs"), "it is part of the repository")],
        [new Regex("faulty MCP server listening on port", RegexOptions.CultureInvariant)],
        static (port, _) => ($"http://localhost:{Text(port)}/mcp", null));

    /// <summary>
    /// Starts <c>node --require force-loopback.cjs <paramref name="script"/> <paramref name="args"/></c> with the given extra environment
    /// and waits until every readiness pattern has matched a line of stdout or stderr.
    /// Throws (after stopping the process) if the process exits first or <paramref name="readyTimeout"/> (default 30 s) passes.
    /// </summary>
    public static async Task<NodePeer> StartAsync(
        string script,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment,
        IReadOnlyList<Regex> readiness,
        TimeSpan? readyTimeout = null)
    {
        var startInfo = new ProcessStartInfo(NodeExecutable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,   // a pipe of our own: the peer must not inherit the test host's stdin
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = TestProjectDir,
        };
        startInfo.ArgumentList.Add("--require");
        startInfo.ArgumentList.Add(ForceLoopbackScript);
        startInfo.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment["MCP_PEER_EXIT_WITH_PARENT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var peer = new NodePeer(process, readiness);
        process.OutputDataReceived += (_, e) => peer.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => peer.OnLine(e.Data);

        var clock = Stopwatch.StartNew();
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {NodeExecutable} {script}.");
        }

        peer.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var timeout = readyTimeout ?? DefaultReadyTimeout;
        var exited = process.WaitForExitAsync();
        var finished = await Task.WhenAny(peer._ready.Task, exited, Task.Delay(timeout));
        if (finished == peer._ready.Task)
        {
            peer.StartupTime = clock.Elapsed;
            return peer;
        }

        var reason = finished == exited
            ? $"exited with code {process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)} before it was ready"
            : $"was not ready after {timeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s";
        await peer.DisposeAsync();
        throw new PeerStartException(
            $"node {Path.GetFileName(script)} {string.Join(' ', args)} (pid {peer.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}) {reason}; " +
            $"waiting for: {string.Join(" AND ", readiness.Select(r => r.ToString()))}. Output:\n{peer.Output}");
    }

    /// <summary>The oidc-provider stack's counters (<c>GET /__stats</c>): token requests by grant type, refresh-token reuse, registrations.</summary>
    public async Task<System.Text.Json.Nodes.JsonNode> StatsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"http://localhost:{Text(Port)}/__stats"))!;
    }

    /// <summary>Stops the peer: SIGTERM, up to 5 s grace, then kill of the whole tree. Safe to call more than once.</summary>
    public Task StopAsync()
    {
        lock (_sync)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_exitedWhenDisposed is null)
        {
            _exitedWhenDisposed = _process.HasExited;
            _process.Dispose();
        }
    }

    public override string ToString() => $"node peer pid {Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)} {_url}";

    private Task StopCoreAsync() => TerminateAsync(_process, StopGracePeriod, signal: true);

    /// <summary>Sends SIGTERM, as a container runtime or systemd does; false when the process is already gone.</summary>
    public static bool SendSigterm(int pid) => Kill(pid, SigTerm) == 0;

    /// <summary>Stops a process the tests started: SIGTERM when <paramref name="signal"/> (else the caller has asked
    /// it to stop another way), <paramref name="grace"/> to exit, then a kill of its whole tree.</summary>
    public static async Task TerminateAsync(Process process, TimeSpan grace, bool signal)
    {
        if (signal && !process.HasExited && !SendSigterm(process.Id))
        {
            // ESRCH: it is already gone; anything else is handled by the kill below.
            Debug.WriteLine($"kill({process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        using (var wait = new CancellationTokenSource(grace))
        {
            try
            {
                await process.WaitForExitAsync(wait.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Did not stop in time: kill it below.
            }
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited in the meantime.
        }

        using var last = new CancellationTokenSource(grace);
        await process.WaitForExitAsync(last.Token);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        var ready = false;
        lock (_sync)
        {
            _output.Append(line).Append('\n');
            var all = true;
            for (var i = 0; i < _readiness.Length; i++)
            {
                _matched[i] |= _readiness[i].IsMatch(line);
                all &= _matched[i];
            }

            ready = all;
        }

        if (ready)
        {
            _ready.TrySetResult();
        }
    }

    private static async Task<NodePeer> StartWithPortRetryAsync(
        Func<(int Port, int AuthPort, Dictionary<string, string> Environment)> choosePorts,
        Func<string[]> args,
        IReadOnlyList<Regex> readiness,
        Func<int, int, (string Url, string? AuthUrl)> urls)
    {
        // A port from FreePort() can be taken by someone else before node binds it; then node exits with EADDRINUSE and we try other ports.
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var (port, authPort, environment) = choosePorts();
            var argv = args();
            try
            {
                var peer = await StartAsync(argv[0], argv[1..], environment, readiness);
                (peer._url, peer._authUrl) = urls(port, authPort);
                peer.Port = port;
                peer.AuthPort = authPort;
                return peer;
            }
            catch (PeerStartException e) when (attempt < attempts && (e.Message.Contains("EADDRINUSE", StringComparison.Ordinal) || e.Message.Contains("already in use", StringComparison.Ordinal)))
            {
                // Try again with fresh ports.
            }
        }
    }

    private static (int First, int Second) TwoFreePorts()
    {
        var first = new TcpListener(IPAddress.Loopback, 0);
        var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        try
        {
            second.Start();
            try
            {
                return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
            }
            finally
            {
                second.Stop();
            }
        }
        finally
        {
            first.Stop();
        }
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string RequireFile(string path, string hint) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: {hint}.");

    private static string FindTestProjectDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpPlatform.Tests.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains McpPlatform.Tests.csproj.");
    }

    private static string FindNodeExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "node");
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new InvalidOperationException($"node is not on PATH ({path}); install nodejs (./scripts/test.sh does).");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>A node peer did not come up; the message carries its output.</summary>
public sealed class PeerStartException : Exception
{
    public PeerStartException()
    {
    }

    public PeerStartException(string message)
        : base(message)
    {
    }

    public PeerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
