using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpPlatform.Tests.Fixtures;

/// <summary>One request as a hostile peer saw it.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// An HTTP server the attacker controls (an editor's host, a hostile authorization or MCP server), on loopback at
/// <c>http://localhost:&lt;port&gt;</c>: it records every request it receives and answers each path as the test
/// scripted it (404 for paths without a script). Scripts may be changed while it runs.
/// </summary>
public sealed class HostilePeer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private HostilePeer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The origin the platform reaches it at (a host name the connections host allows outbound).</summary>
    public string Origin => $"http://localhost:{Port.ToString(CultureInfo.InvariantCulture)}";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<HostilePeer> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = NodePeer.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
            var app = builder.Build();
            var peer = new HostilePeer(app, port);
            app.Run(peer.HandleAsync);
            try
            {
                await app.StartAsync();
                return peer;
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>Answers <paramref name="path"/> (exact path, any method) with <paramref name="handler"/>.</summary>
    public HostilePeer On(string path, Func<HttpContext, Task> handler)
    {
        _routes[path] = handler;
        return this;
    }

    /// <summary>Answers <paramref name="path"/> with a JSON document.</summary>
    public HostilePeer OnJson(string path, string json, int status = 200) => On(path, async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    });

    /// <summary>The request a handler is answering, as recorded (its body has already been read).</summary>
    public static RecordedRequest RequestOf(HttpContext context) => (RecordedRequest)context.Items[typeof(RecordedRequest)]!;

    /// <summary>The requests received for <paramref name="path"/>.</summary>
    public IReadOnlyList<RecordedRequest> RequestsTo(string path) =>
        [.. _requests.Where(r => r.PathAndQuery == path || r.PathAndQuery.StartsWith(path + "?", StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        // Only what a test needs to read back; a hostile peer is never sent anything large.
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            var buffer = new char[64 * 1024];
            var read = await reader.ReadBlockAsync(buffer, context.RequestAborted);
            body = new string(buffer, 0, read);
        }

        var recorded = new RecordedRequest(
            request.Method,
            request.Path + request.QueryString,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body);
        _requests.Enqueue(recorded);
        context.Items[typeof(RecordedRequest)] = recorded;
        if (_routes.TryGetValue(request.Path.Value ?? "/", out var handler))
        {
            await handler(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }
}
