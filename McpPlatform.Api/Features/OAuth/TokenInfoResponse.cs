using System.Text.Json.Serialization;

namespace McpPlatform.Api.Features.OAuth;

/// <summary>What your tokens are like (type, expiry in epoch milliseconds, scope, whether a refresh token
/// exists), never the tokens themselves.</summary>
public sealed record TokenInfoResponse(
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_at")] long? ExpiresAt,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("has_refresh_token")] bool HasRefreshToken);
