using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Security;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>Opens MCP sessions with the official SDK: streamable HTTP (falling back to SSE), SSE, or stdio for app-level
/// servers. Over HTTP no message larger than <paramref name="maxMessageBytes"/> is read (<see cref="UpstreamBounds"/>);
/// stdio servers, which only an administrator configures, are not bounded so (the SDK reads their output itself).
/// The SDK's exceptions end here: the domain gets <see cref="UpstreamErrors"/> values.</summary>
public sealed class SdkMcpConnector(HttpMessageHandler outbound, ILoggerFactory loggers, long maxMessageBytes = ConnectionOptions.DefaultMaxMessageBytes) : IMcpConnector
{
    /// <summary>Enough for every server of a deployment; past it the memo starts over rather than grow.</summary>
    private const int MaxRememberedEndpoints = 4096;

    private static readonly ModelContextProtocol.Protocol.Implementation ClientInfo = new() { Name = "mcp-platform", Version = "1.0.0" };

    /// <summary>The protocol version each HTTP endpoint negotiated with the initialize handshake, asked for directly
    /// next time (docs/decisions/0013).</summary>
    private readonly ConcurrentDictionary<string, string> _handshakeVersions = new(StringComparer.Ordinal);

    public async Task<Result<IMcpSession>> ConnectAsync(ConnectionTarget target, Func<Task> onToolsChanged, CancellationToken ct)
    {
        var endpoint = target.Url?.AbsoluteUri;
        var known = endpoint is not null && _handshakeVersions.TryGetValue(endpoint, out var version) ? version : null;
        SdkMcpSession session;
        try
        {
            try
            {
                session = await OpenAsync(target, known, ct);
            }
            catch (UpstreamFault e) when (known is not null && e.InnerException is McpException)
            {
                // The server no longer speaks the version it did (upgraded or replaced): negotiate afresh.
                _handshakeVersions.TryRemove(endpoint!, out _);
                session = await OpenAsync(target, null, ct);
            }
        }
        catch (UpstreamFault e)
        {
            return e.Error;
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
                    Command = target.Command ?? throw new UpstreamFault(UpstreamErrors.Protocol("A stdio server needs a command")),
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
            _ => throw new UpstreamFault(UpstreamErrors.Protocol($"Transport {target.Transport} is not supported for '{target.ServerName}'")),
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
        catch (Exception e) when (e is not UpstreamFault && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            if (transport is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }

            http.Dispose();
            throw Translate(e, timeout.IsCancellationRequested, $"Could not connect to MCP server '{target.ServerName}'", challenges.Last, bounds.Overflow);
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

    /// <summary>Maps SDK and transport exceptions onto the failures the domain understands; the message never
    /// contains request headers or tokens. A message over the size bound (<paramref name="overflow"/>) explains any
    /// failure after it, however the SDK reported it (a parse error, a closed stream, a cancellation).</summary>
    internal static UpstreamFault Translate(Exception e, bool timedOut, string context, WwwAuthenticateChallenge? challenge = null, UpstreamFault? overflow = null) => e switch
    {
        _ when overflow is not null => new UpstreamFault(UpstreamErrors.TooLarge($"{context}: {overflow.Message}"), e),
        UpstreamFault upstream => upstream,
        _ when timedOut => new UpstreamFault(UpstreamErrors.Timeout($"{context}: no answer in time"), e),
        TimeoutException => new UpstreamFault(UpstreamErrors.Timeout($"{context}: no answer in time"), e),
        OutboundAddressRefusedException => new UpstreamFault(UpstreamErrors.Unreachable($"{context}: {e.Message}"), e),
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } => new UpstreamFault(UpstreamErrors.Unauthorized($"{context}: the server requires authorization (401)", challenge), e),
        HttpRequestException { StatusCode: HttpStatusCode.Forbidden } => new UpstreamFault(UpstreamErrors.Unauthorized($"{context}: the server refused access (403)", challenge), e),
        _ when FindStatus(e) is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new UpstreamFault(UpstreamErrors.Unauthorized($"{context}: the server requires authorization", challenge), e),
        HttpRequestException { StatusCode: { } status } => new UpstreamFault(UpstreamErrors.Protocol($"{context}: HTTP {(int)status}"), e),
        HttpRequestException or IOException or System.Net.Sockets.SocketException => new UpstreamFault(UpstreamErrors.Unreachable($"{context}: {Describe(e)}"), e),
        McpProtocolException protocol => new UpstreamFault(UpstreamErrors.Rejected($"{context}: {protocol.Message}"), e),
        McpException or JsonException or FormatException or InvalidOperationException => new UpstreamFault(UpstreamErrors.Protocol($"{context}: {Describe(e)}"), e),
        OperationCanceledException => new UpstreamFault(UpstreamErrors.Unreachable($"{context}: the connection closed"), e),
        _ => new UpstreamFault(UpstreamErrors.Protocol($"{context}: {e.GetType().Name}"), e),
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
