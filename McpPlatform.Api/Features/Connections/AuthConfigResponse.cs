namespace McpPlatform.Api.Features.Connections;

/// <summary>A variable you have to set before using a server (LibreChat's plugin <c>authConfig</c> entry).</summary>
public sealed record AuthConfigResponse(string AuthField, string Label, string Description);
