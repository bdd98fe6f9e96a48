using System.Text.Json;
using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Connections;

/// <summary>One open MCP session. A failure of the server is an <see cref="UpstreamErrors"/> value; only the caller's
/// own cancellation is thrown.</summary>
public interface IMcpSession : IAsyncDisposable
{
    /// <summary>Completes when the session ends (server exited, connection dropped, disposed).</summary>
    Task Completion { get; }

    Task<Result<IReadOnlyList<ToolInfo>>> ListToolsAsync(ToolListLimits limits, CancellationToken ct);

    Task<Result<ToolCallResult>> CallToolAsync(string name, JsonElement? arguments, CancellationToken ct);
}
