namespace McpPlatform.Api.Features.OAuth;

/// <summary>LibreChat's answer to <c>oauth/bind</c>.</summary>
public sealed record BindResponse(bool Success);
