namespace McpPlatform.Api.Features.OAuth;

/// <summary>LibreChat's <c>{success, message}</c> answer.</summary>
public sealed record SuccessResponse(bool Success, string Message);
