namespace McpPlatform.Domain.Connections;

/// <summary>One server's connection state as the caller sees it.</summary>
public sealed record ServerStatus(string ServerName, bool RequiresOAuth, ConnectionState State, string? Error);
