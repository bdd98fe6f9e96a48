namespace McpPlatform.Api.Features.Servers;

/// <summary>Body of <c>POST /api/mcp/servers</c> and <c>PATCH /api/mcp/servers/{serverName}</c>, as LibreChat's SPA sends it.</summary>
public sealed record ServerConfigRequest(McpServerConfigInput? Config);
