using McpPlatform.Domain.Connections;

namespace McpPlatform.Api.Features.Connections;

/// <summary>LibreChat's connection status of one server.</summary>
public sealed record SingleConnectionStatusResponse(bool Success, string ServerName, string ConnectionStatus, bool RequiresOAuth, string? Error)
{
    public static SingleConnectionStatusResponse From(ServerStatus s) =>
        new(true, s.ServerName, ConnectionStates.ToWire(s.State), s.RequiresOAuth, s.Error);
}
