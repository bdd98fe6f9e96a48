using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// The API as its own operating-system process (<c>dotnet McpPlatform.Api.dll</c>) on a loopback port, over the
/// run's test database and Redis: what several instances, a graceful shutdown and a real browser need. Settings are
/// passed as environment variables; its output goes to <see cref="Output"/> and to the run's log artifact.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _sync = new();

    private ApiProcess(Process process, int port, string name)
    {
        _process = process;
        Port = port;
        Name = name;
    }

    public string Name { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    /// <summary>Where a browser or another process reaches it.</summary>
    public string BaseUrl => $"http://localhost:{Port.ToString(CultureInfo.InvariantCulture)}";

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

    public bool HasExited => _process.HasExited;

    /// <summary>The settings every process instance gets: those of the loopback connections host (see
    /// <see cref="ConnectionsHost"/>), and the run's database (<see cref="TestRun.StartApiAsync"/> creates it first).</summary>
    /// <summary>The production API.</summary>
    public const string Api = "McpPlatform.Api.dll";

    /// <summary>The same application with the benchmark's additions (bench/McpPlatform.BenchHost), e.g. <c>GET
    /// /bench/memory</c>, which collects garbage before it answers, for tests that read resident memory.</summary>
    public const string BenchHost = "McpPlatform.BenchHost.dll";

    public static async Task<ApiProcess> StartAsync(string name, IReadOnlyDictionary<string, string>? settings = null, int? port = null, string assembly = Api)
    {
        await TestRun.StartApiAsync();
        var chosenPort = port ?? NodePeer.FreePort();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add($"http://localhost:{chosenPort.ToString(CultureInfo.InvariantCulture)}");
        var environment = new Dictionary<string, string>(ConnectionsHost.Settings())
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Server:PublicBaseUrl"] = $"http://localhost:{chosenPort.ToString(CultureInfo.InvariantCulture)}",
            ["Logging:Console:FormatterName"] = "simple",
            // The process writes its log to a pipe the test reads; per-request trace lines of the test host are enough.
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var api = new ApiProcess(process, chosenPort, name);
        process.OutputDataReceived += (_, e) => api.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => api.OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start the API process.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await api.WaitUntilReadyAsync();
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }

        return api;
    }

    public HttpClient ClientFor(Caller? caller)
    {
        var client = new HttpClient(new RecordingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }))
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (caller is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.IssueToken(caller));
        }

        return client;
    }

    /// <summary>The process's resident memory now (<c>VmRSS</c> in <c>/proc/&lt;pid&gt;/status</c>), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"No VmRSS for pid {Pid}");
    }

    /// <summary>The pids of the processes this one started (stdio MCP servers), from <c>/proc</c>.</summary>
    public IReadOnlyList<int> ChildPids() => ChildrenOf(Pid);

    public static IReadOnlyList<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                // Fields after the command name (which may hold spaces, so it is skipped by its closing parenthesis): state, ppid.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return children;
    }

    /// <summary>Sends SIGTERM without waiting.</summary>
    public void SignalTerminate()
    {
        if (!NodePeer.SendSigterm(Pid))
        {
            throw new InvalidOperationException($"kill({Pid}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Ends the process and its children at once (SIGKILL), as a crash or an OOM kill does: nothing of its
    /// shutdown runs.</summary>
    public void KillAbruptly() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the process to exit after <see cref="SignalTerminate"/>; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await NodePeer.TerminateAsync(_process, StopTimeout, signal: !_process.HasExited);
        _process.Dispose();
    }

    public override string ToString() => $"API process {Name} pid {Pid} on {BaseUrl}";

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{this} exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var ready = await http.GetAsync($"{BaseUrl}/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{this} was not ready after {ReadyTimeout.TotalSeconds} s:\n{Output}");
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_sync)
        {
            _output.AppendLine(line);
        }

        RunArtifacts.Append(RunArtifacts.Logs, $"[{Name}] {line}");
    }
}
