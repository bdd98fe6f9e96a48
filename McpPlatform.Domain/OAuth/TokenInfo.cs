namespace McpPlatform.Domain.OAuth;

/// <summary>What a completed flow left: never the tokens' values.</summary>
public sealed record TokenInfo(string TokenType, DateTimeOffset? ExpiresAt, string? Scope, bool HasRefreshToken);
