using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// An MCP server over streamable HTTP written by hand on a <see cref="HostilePeer"/>, so that a test can make any
/// answer hostile: by default it speaks just enough MCP (initialize with <c>tools.listChanged</c>, 202 for
/// notifications, a one-tool <c>tools/list</c>, <c>tools/call</c> of <c>echo</c>, 405 for the standalone GET stream,
/// 200 for DELETE); each hook replaces one answer. Every handler ends when the client gives up or the server stops.
/// </summary>
public sealed class HostileMcpServer : IAsyncDisposable
{
    public const string Path = "/mcp";

    /// <summary>A tools/list result with the one tool <c>echo</c>.</summary>
    public const string EchoTools = """{"tools":[{"name":"echo","description":"Echoes the message back","inputSchema":{"type":"object","properties":{"message":{"type":"string"}}}}]}""";

    private readonly HostilePeer _peer;
    private readonly CancellationTokenSource _stopping = new();

    private HostileMcpServer(HostilePeer peer) => _peer = peer;

    /// <summary>Answers <c>initialize</c> instead of the default (arguments: the context and the request's JSON-RPC id).</summary>
    public Func<HttpContext, JsonNode?, Task>? Initialize { get; set; }

    public Func<HttpContext, JsonNode?, Task>? ToolsList { get; set; }

    public Func<HttpContext, JsonNode?, Task>? ToolsCall { get; set; }

    /// <summary>Answers the standalone GET stream (default 405: none).</summary>
    public Func<HttpContext, Task>? Get { get; set; }

    /// <summary>Answers the DELETE that ends a session (default 200).</summary>
    public Func<HttpContext, Task>? Delete { get; set; }

    /// <summary>Cancelled when the client hangs up or the server stops.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public string Url => _peer.Origin + Path;

    public static async Task<HostileMcpServer> StartAsync()
    {
        var server = new HostileMcpServer(await HostilePeer.StartAsync());
        server._peer.On(Path, server.HandleAsync);
        return server;
    }

    /// <summary>How many POSTs with this JSON-RPC method the server has received.</summary>
    public int Received(string method) => _peer.RequestsTo(Path).Count(r => r.Method == "POST" && MethodOf(r.Body) == method);

    /// <summary>How many requests with this HTTP method the server has received.</summary>
    public int ReceivedHttp(string httpMethod) => _peer.RequestsTo(Path).Count(r => r.Method == httpMethod);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _peer.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>A JSON-RPC response carrying <paramref name="resultJson"/>.</summary>
    public static string Response(JsonNode? id, string resultJson) =>
        $$"""{"jsonrpc":"2.0","id":{{id?.ToJsonString() ?? "null"}},"result":{{resultJson}}}""";

    public static async Task WriteJsonAsync(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>Sends the headers, then <paramref name="body"/> one byte every <paramref name="interval"/>, then a
    /// space at the same pace for ever: an answer that never completes but never goes quiet either.</summary>
    public async Task DripAsync(HttpContext context, string contentType, string body, TimeSpan interval)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        await UntilStoppedAsync(context, async ct =>
        {
            await context.Response.Body.FlushAsync(ct);
            var bytes = Encoding.UTF8.GetBytes(body);
            var space = " "u8.ToArray();
            for (var i = 0; ; i++)
            {
                await context.Response.Body.WriteAsync(i < bytes.Length ? bytes.AsMemory(i, 1) : space, ct);
                await context.Response.Body.FlushAsync(ct);
                await Task.Delay(interval, ct);
            }
        });
    }

    /// <summary>An SSE stream that sends a comment every <paramref name="interval"/> and never an event.</summary>
    public async Task PingForeverAsync(HttpContext context, TimeSpan interval)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        await UntilStoppedAsync(context, async ct =>
        {
            while (true)
            {
                await context.Response.WriteAsync(": ping\n\n", ct);
                await context.Response.Body.FlushAsync(ct);
                await Task.Delay(interval, ct);
            }
        });
    }

    /// <summary>Holds the request open, sending nothing, until the client gives up.</summary>
    public Task HangAsync(HttpContext context) => UntilStoppedAsync(context, ct => Task.Delay(Timeout.Infinite, ct));

    /// <summary>Writes <paramref name="head"/>, then <paramref name="fillerBytes"/> bytes of <c>x</c> in 64 KiB writes
    /// (no Content-Length: chunked, so the client cannot tell the size in advance), then <paramref name="tail"/>.</summary>
    public async Task StreamLargeAsync(HttpContext context, string contentType, string head, long fillerBytes, string tail)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        await UntilStoppedAsync(context, async ct =>
        {
            var chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
            await context.Response.WriteAsync(head, ct);
            for (var left = fillerBytes; left > 0; left -= chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)), ct);
            }

            await context.Response.WriteAsync(tail, ct);
        });
    }

    /// <summary>Runs <paramref name="write"/> until it ends, the client hangs up or the server stops; the ways a
    /// write ends when the other side is gone are not failures of the peer.</summary>
    public async Task UntilStoppedAsync(HttpContext context, Func<CancellationToken, Task> write)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await write(linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The client hung up (or the server is stopping): that is how every hostile answer is meant to end.
        }
    }

    private static string? MethodOf(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["method"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        switch (context.Request.Method)
        {
            case "GET":
                await (Get?.Invoke(context) ?? Status(context, StatusCodes.Status405MethodNotAllowed));
                return;
            case "DELETE":
                await (Delete?.Invoke(context) ?? Status(context, StatusCodes.Status200OK));
                return;
            case "POST":
                break;
            default:
                await Status(context, StatusCodes.Status405MethodNotAllowed);
                return;
        }

        var message = JsonNode.Parse(HostilePeer.RequestOf(context).Body)!;
        var id = message["id"];
        var method = message["method"]?.GetValue<string>();
        switch (method)
        {
            case "initialize":
                await (Initialize?.Invoke(context, id) ?? InitializeAsync(context, id, message));
                return;
            case "tools/list":
                await (ToolsList?.Invoke(context, id) ?? WriteJsonAsync(context, Response(id, EchoTools)));
                return;
            case "tools/call":
                await (ToolsCall?.Invoke(context, id) ?? WriteJsonAsync(context, Response(id, """{"content":[{"type":"text","text":"Echo"}]}""")));
                return;
            case not null when id is null:
                // A notification (initialized, cancelled, ...): accepted.
                await Status(context, StatusCodes.Status202Accepted);
                return;
            default:
                // Anything else (e.g. the 2026-07-28 server/discover probe) is unknown, so the client falls back to initialize.
                await WriteJsonAsync(context, $$$"""{"jsonrpc":"2.0","id":{{{id?.ToJsonString() ?? "null"}}},"error":{"code":-32601,"message":"Method not found"}}""");
                return;
        }
    }

    private static async Task InitializeAsync(HttpContext context, JsonNode? id, JsonNode message)
    {
        var asked = message["params"]?["protocolVersion"]?.GetValue<string>();
        var version = asked is "2024-11-05" or "2025-03-26" or "2025-06-18" or "2025-11-25" ? asked : "2025-11-25";
        context.Response.Headers["Mcp-Session-Id"] = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
        await WriteJsonAsync(context, Response(id, $$$"""{"protocolVersion":"{{{version}}}","capabilities":{"tools":{"listChanged":true}},"serverInfo":{"name":"hostile","version":"1.0.0"}}"""));
    }

    private static Task Status(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
