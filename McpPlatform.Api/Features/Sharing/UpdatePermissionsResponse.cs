namespace McpPlatform.Api.Features.Sharing;

/// <summary>LibreChat's answer to a share update.</summary>
public sealed record UpdatePermissionsResponse(string Message, UpdatePermissionsResults Results);
