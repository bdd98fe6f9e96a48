using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>Everything needed to open one MCP session, with placeholders already filled.</summary>
public sealed record ConnectionTarget(
    string ServerName,
    TransportKind Transport,
    Uri? Url,
    IReadOnlyDictionary<string, string> Headers,
    string? Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    TimeSpan ConnectTimeout);
