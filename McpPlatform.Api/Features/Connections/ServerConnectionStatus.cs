namespace McpPlatform.Api.Features.Connections;

/// <summary>One server's entry in <see cref="ConnectionStatusResponse"/>.</summary>
public sealed record ServerConnectionStatus(bool RequiresOAuth, string ConnectionState, string? Error);
