using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Connections;

/// <summary>Opens sessions to MCP servers (the official SDK in infrastructure); a server that cannot be reached or
/// answers garbage is an <see cref="UpstreamErrors"/> value.</summary>
public interface IMcpConnector
{
    /// <param name="onToolsChanged">Called when the server sends <c>notifications/tools/list_changed</c>.</param>
    Task<Result<IMcpSession>> ConnectAsync(ConnectionTarget target, Func<Task> onToolsChanged, CancellationToken ct);
}
