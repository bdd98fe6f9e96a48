using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Security;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>Opens MCP sessions with the official SDK: streamable HTTP (falling back to SSE), SSE, or stdio for app-level
/// servers. Over HTTP no message larger than <paramref name="maxMessageBytes"/> is read (<see cref="UpstreamBounds"/>);
/// stdio servers, which only an administrator configures, are not bounded so (the SDK reads their output itself).</summary>
public sealed class SdkMcpConnector(HttpMessageHandler outbound, ILoggerFactory loggers, long maxMessageBytes = ConnectionOptions.DefaultMaxMessageBytes) : IMcpConnector
{
    private static readonly Implementation ClientInfo = new() { Name = "mcp-platform", Version = "1.0.0" };

    /// <summary>Enough for every server of a deployment; past it the memo starts over rather than grow.</summary>
    private const int MaxRememberedEndpoints = 4096;

    /// <summary>The protocol version each HTTP endpoint negotiated with the initialize handshake. Left to itself the SDK
    /// first probes with <c>server/discover</c> (the 2026-07-28 revision) and falls back to <c>initialize</c>: one
    /// more round trip on every connect to a server that predates that revision, which is most of them.</summary>
    private readonly ConcurrentDictionary<string, string> _handshakeVersions = new(StringComparer.Ordinal);

    public async Task<IMcpSession> ConnectAsync(ConnectionTarget target, Func<Task> onToolsChanged, CancellationToken ct)
    {
        var endpoint = target.Url?.AbsoluteUri;
        var known = endpoint is not null && _handshakeVersions.TryGetValue(endpoint, out var version) ? version : null;
        SdkMcpSession session;
        try
        {
            session = await OpenAsync(target, known, ct);
        }
        catch (McpUpstreamException e) when (known is not null && e.InnerException is McpException)
        {
            // The server no longer speaks the version it did (upgraded or replaced): negotiate afresh.
            _handshakeVersions.TryRemove(endpoint!, out _);
            session = await OpenAsync(target, null, ct);
        }

        if (endpoint is not null && session.HandshakeVersion is { } negotiated && negotiated != known)
        {
            if (_handshakeVersions.Count >= MaxRememberedEndpoints)
            {
                _handshakeVersions.Clear();
            }

            _handshakeVersions[endpoint] = negotiated;
        }

        session.OnToolsChanged(onToolsChanged);
        return session;
    }

    private async Task<SdkMcpSession> OpenAsync(ConnectionTarget target, string? protocolVersion, CancellationToken ct)
    {
        // One HttpClient per session over the shared (SSRF-guarded) handler, so this session's 401/403 challenges
        // can be read back (the SDK only reports the status code) and its messages are bounded as they are read.
        var bounds = new UpstreamBounds(outbound, maxMessageBytes);
        var challenges = new ChallengeRecorder(bounds);
        var http = new HttpClient(challenges, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        IClientTransport transport = target.Transport switch
        {
            TransportKind.Stdio => new StdioClientTransport(
                new StdioClientTransportOptions
                {
                    Name = target.ServerName,
                    Command = target.Command ?? throw new McpUpstreamException(UpstreamFailure.Protocol, "A stdio server needs a command"),
                    Arguments = [.. target.Args],
                    // Only what the configuration names, plus PATH so the command can find its interpreter.
                    InheritEnvironmentVariables = false,
                    EnvironmentVariables = StdioEnvironment(target.Env),
                    ShutdownTimeout = TimeSpan.FromSeconds(3),
                },
                loggers),
            TransportKind.StreamableHttp or TransportKind.Sse when target.Url is not null => new HttpClientTransport(
                new HttpClientTransportOptions
                {
                    Name = target.ServerName,
                    Endpoint = target.Url,
                    // An explicit streamable-http type is taken at its word: auto-detection would retry every 401 as SSE.
                    TransportMode = target.Transport == TransportKind.Sse ? HttpTransportMode.Sse : HttpTransportMode.StreamableHttp,
                    AdditionalHeaders = target.Headers.ToDictionary(h => h.Key, h => h.Value),
                    ConnectionTimeout = target.ConnectTimeout,
                },
                http,
                loggers,
                ownsHttpClient: false),
            _ => throw new McpUpstreamException(UpstreamFailure.Protocol, $"Transport {target.Transport} is not supported for '{target.ServerName}'"),
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, bounds.Broken);
        timeout.CancelAfter(target.ConnectTimeout);
        try
        {
            var client = await McpClient.CreateAsync(
                transport,
                new McpClientOptions { ClientInfo = ClientInfo, InitializationTimeout = target.ConnectTimeout, ProtocolVersion = protocolVersion },
                loggers,
                timeout.Token);
            return new SdkMcpSession(client, challenges, bounds, http);
        }
        catch (Exception e) when (e is not McpUpstreamException)
        {
            if (transport is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }

            http.Dispose();
            throw Translate(e, timeout.IsCancellationRequested && !ct.IsCancellationRequested, $"Could not connect to MCP server '{target.ServerName}'", challenges.Last, bounds.Overflow);
        }
    }

    private static Dictionary<string, string?> StdioEnvironment(IReadOnlyDictionary<string, string> configured)
    {
        var env = configured.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        if (!env.ContainsKey("PATH") && Environment.GetEnvironmentVariable("PATH") is { } path)
        {
            env["PATH"] = path;
        }

        return env;
    }

    /// <summary>Maps SDK and transport exceptions onto the failure kinds the domain understands; the message never
    /// contains request headers or tokens. A message over the size bound (<paramref name="overflow"/>) explains any
    /// failure after it, however the SDK reported it (a parse error, a closed stream, a cancellation).</summary>
    internal static McpUpstreamException Translate(Exception e, bool timedOut, string context, WwwAuthenticateChallenge? challenge = null, McpUpstreamException? overflow = null) => e switch
    {
        _ when overflow is not null => new McpUpstreamException(UpstreamFailure.TooLarge, $"{context}: {overflow.Message}", e),
        McpUpstreamException upstream => upstream,
        _ when timedOut => new McpUpstreamException(UpstreamFailure.Timeout, $"{context}: no answer in time", e),
        TimeoutException => new McpUpstreamException(UpstreamFailure.Timeout, $"{context}: no answer in time", e),
        OutboundAddressRefusedException => new McpUpstreamException(UpstreamFailure.Unreachable, $"{context}: {e.Message}", e),
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } => new McpUpstreamException(UpstreamFailure.Unauthorized, $"{context}: the server requires authorization (401)", e, challenge),
        HttpRequestException { StatusCode: HttpStatusCode.Forbidden } => new McpUpstreamException(UpstreamFailure.Unauthorized, $"{context}: the server refused access (403)", e, challenge),
        _ when FindStatus(e) is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new McpUpstreamException(UpstreamFailure.Unauthorized, $"{context}: the server requires authorization", e, challenge),
        HttpRequestException { StatusCode: { } status } => new McpUpstreamException(UpstreamFailure.Protocol, $"{context}: HTTP {(int)status}", e),
        HttpRequestException or IOException or System.Net.Sockets.SocketException => new McpUpstreamException(UpstreamFailure.Unreachable, $"{context}: {Describe(e)}", e),
        McpProtocolException protocol => new McpUpstreamException(UpstreamFailure.Rejected, $"{context}: {protocol.Message}", e),
        McpException or JsonException or FormatException or InvalidOperationException => new McpUpstreamException(UpstreamFailure.Protocol, $"{context}: {Describe(e)}", e),
        OperationCanceledException => new McpUpstreamException(UpstreamFailure.Unreachable, $"{context}: the connection closed", e),
        _ => new McpUpstreamException(UpstreamFailure.Protocol, $"{context}: {e.GetType().Name}", e),
    };

    /// <summary>The HTTP status somewhere in the exception chain (the SDK wraps transport errors).</summary>
    private static HttpStatusCode? FindStatus(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { StatusCode: { } status })
            {
                return status;
            }
        }

        return null;
    }

    private static string Describe(Exception e) => (e.InnerException?.Message ?? e.Message).Split('\n')[0];
}

/// <summary>One SDK client session behind the domain's port.</summary>
internal sealed class SdkMcpSession(McpClient client, ChallengeRecorder challenges, UpstreamBounds bounds, HttpClient http) : IMcpSession
{
    private static readonly JsonSerializerOptions Json = McpJsonUtilities.DefaultOptions;
    private static readonly JsonTypeInfo<Tool> ToolJson = (JsonTypeInfo<Tool>)Json.GetTypeInfo(typeof(Tool));

    /// <summary>The revisions negotiated with the <c>initialize</c> handshake (2026-07-28 replaced it with <c>server/discover</c>).</summary>
    private static readonly FrozenSet<string> InitializeRevisions = FrozenSet.Create(StringComparer.Ordinal, "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    private IAsyncDisposable? _toolsChanged;

    /// <summary>Ends when the SDK's session ends, or when a message over the size bound broke it.</summary>
    public Task Completion { get; } = Task.WhenAny(client.Completion, Task.Delay(Timeout.Infinite, bounds.Broken));

    /// <summary>The protocol version negotiated with the <c>initialize</c> handshake; null when there was none.</summary>
    public string? HandshakeVersion => client.NegotiatedProtocolVersion is { } version && InitializeRevisions.Contains(version) ? version : null;

    /// <summary>The handler is started, not awaited: the SDK runs one task per notification it receives, which must
    /// not wait on a re-listing (the pool coalesces them), or a flood of notifications would hold one task each.</summary>
    public void OnToolsChanged(Func<Task> handler) =>
        _toolsChanged = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            _ = handler();
            return ValueTask.CompletedTask;
        });

    /// <summary>Pages through <c>tools/list</c> up to the limits. Each page is read as the JSON the transport parsed
    /// (lazily, over the message's bytes), and tools are made from it one at a time only until a limit is reached: the
    /// SDK's typed listing would first build every tool of the page — 100,000 tiny tools in one 5 MB page cost it over
    /// 100 MB of allocations to keep 1,000.</summary>
    public async Task<IReadOnlyList<ToolInfo>> ListToolsAsync(ToolListLimits limits, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, bounds.Broken);
        timeout.CancelAfter(limits.Timeout);
        var tools = new List<ToolInfo>();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var measure = new ElapsedRecorder(started);
        long bytes = 0;
        string? cursor = null;
        try
        {
            for (var page = 0; page < limits.MaxPages; page++)
            {
                var response = await client.SendRequestAsync(
                    new JsonRpcRequest { Method = RequestMethods.ToolsList, Params = JsonSerializer.SerializeToNode(new ListToolsRequestParams { Cursor = cursor }, Json) },
                    timeout.Token);
                var result = response.Result as JsonObject ?? throw new McpException("The tools/list result is not an object");
                var listed = result["tools"] as JsonArray ?? throw new McpException("The tools/list result has no tools array");
                foreach (var node in listed)
                {
                    var tool = node.Deserialize(ToolJson) ?? throw new McpException("A tool of the tools/list result is null");
                    bytes += JsonSerializer.SerializeToUtf8Bytes(tool, ToolJson).Length;
                    if (tools.Count >= limits.MaxTools || bytes > limits.MaxBytes)
                    {
                        return tools;
                    }

                    tools.Add(new ToolInfo(tool.Name, tool.Description, tool.InputSchema.ValueKind == JsonValueKind.Undefined ? null : tool.InputSchema.Clone()));
                }

                cursor = result["nextCursor"] is JsonValue next && next.TryGetValue<string>(out var value) ? value : null;
                if (string.IsNullOrEmpty(cursor))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is not McpUpstreamException)
        {
            throw SdkMcpConnector.Translate(e, timeout.IsCancellationRequested && !ct.IsCancellationRequested, "tools/list failed", challenges.Last, bounds.Overflow);
        }

        return tools;
    }

    public async Task<ToolCallResult> CallToolAsync(string name, JsonElement? arguments, CancellationToken ct)
    {
        var args = arguments is { ValueKind: JsonValueKind.Object } obj
            ? obj.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
            : new Dictionary<string, JsonElement>();
        using var call = CancellationTokenSource.CreateLinkedTokenSource(ct, bounds.Broken);
        try
        {
            var result = await client.CallToolAsync(new CallToolRequestParams { Name = name, Arguments = args }, call.Token);
            return new ToolCallResult(JsonSerializer.SerializeToElement(result, Json), result.IsError == true);
        }
        catch (McpProtocolException e)
        {
            // The server refused the call itself (e.g. arguments of the wrong type): its error, as a tool error.
            var error = new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = e.Message }] };
            return new ToolCallResult(JsonSerializer.SerializeToElement(error, Json), true);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested || bounds.Overflow is not null)
        {
            throw SdkMcpConnector.Translate(e, false, $"tools/call {name} failed", challenges.Last, bounds.Overflow);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_toolsChanged is not null)
        {
            await _toolsChanged.DisposeAsync();
        }

        await client.DisposeAsync();
        http.Dispose();
    }
}

/// <summary>Remembers the last Bearer challenge (401/403 <c>WWW-Authenticate</c>) a session's server sent. Never
/// disposed (its HttpClient does not own it), so the shared inner handler is never disposed through it.</summary>
internal sealed class ChallengeRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public WwwAuthenticateChallenge? Last { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Last = WwwAuthenticate.ParseBearer(response.Headers.WwwAuthenticate.Select(h => h.ToString())) ?? new WwwAuthenticateChallenge(null, null, null);
        }

        return response;
    }
}

/// <summary>Records a tools/list duration when disposed, whichever way the listing ends.</summary>
internal readonly struct ElapsedRecorder(long started) : IDisposable
{
    public void Dispose() => Domain.Telemetry.PlatformTelemetry.ToolListDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
}
