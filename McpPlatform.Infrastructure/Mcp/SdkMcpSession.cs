using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpPlatform.Infrastructure.Mcp;

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
    /// not wait on a re-listing (the session runtime coalesces them), or a flood of notifications would hold one task each.</summary>
    public void OnToolsChanged(Func<Task> handler) =>
        _toolsChanged = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            _ = handler();
            return ValueTask.CompletedTask;
        });

    /// <summary>Pages through <c>tools/list</c> up to the limits. Each page is read as the JSON the transport parsed,
    /// and tools are made from it one at a time only until a limit is reached, not through the SDK's typed listing
    /// (docs/decisions/0014).</summary>
    public async Task<Result<IReadOnlyList<ToolInfo>>> ListToolsAsync(ToolListLimits limits, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, bounds.Broken);
        timeout.CancelAfter(limits.Timeout);
        var tools = new List<ToolInfo>();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var measure = new ToolListTimer(started);
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
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested && bounds.Overflow is null))
        {
            return SdkMcpConnector.Translate(e, timeout.IsCancellationRequested && !ct.IsCancellationRequested, "tools/list failed", challenges.Last, bounds.Overflow).Error;
        }

        return tools;
    }

    public async Task<Result<ToolCallResult>> CallToolAsync(string name, JsonElement? arguments, CancellationToken ct)
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
            return SdkMcpConnector.Translate(e, false, $"tools/call {name} failed", challenges.Last, bounds.Overflow).Error;
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
