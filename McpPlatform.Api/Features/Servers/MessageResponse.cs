namespace McpPlatform.Api.Features.Servers;

/// <summary>LibreChat's <c>{message}</c> answer to a delete.</summary>
public sealed record MessageResponse(string Message);
