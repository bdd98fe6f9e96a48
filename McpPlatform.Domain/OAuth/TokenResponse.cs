namespace McpPlatform.Domain.OAuth;

/// <summary>A token endpoint's answer.</summary>
public sealed record TokenResponse(string AccessToken, string? RefreshToken, string TokenType, int? ExpiresIn, string? Scope);
