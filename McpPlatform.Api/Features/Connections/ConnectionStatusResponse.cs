namespace McpPlatform.Api.Features.Connections;

/// <summary>LibreChat's connection status of every server you can use, by server name.</summary>
public sealed record ConnectionStatusResponse(bool Success, IReadOnlyDictionary<string, ServerConnectionStatus> ConnectionStatus);
