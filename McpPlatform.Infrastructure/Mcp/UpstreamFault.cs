using McpPlatform.Domain.Common;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>An MCP server's failure on its way through the SDK adapter, which throws it where the SDK does and hands
/// its <see cref="Error"/> (an <c>UpstreamErrors</c> value, safe to show) to the domain at the port.</summary>
internal sealed class UpstreamFault(Error error, Exception? inner = null) : Exception(error.Message, inner)
{
    public Error Error { get; } = error;
}
