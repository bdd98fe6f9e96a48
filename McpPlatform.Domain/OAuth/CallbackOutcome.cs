namespace McpPlatform.Domain.OAuth;

/// <summary>Where the callback sends the browser; on success, whose tokens were stored (the callback carries no caller)
/// and, when this delivery stored them, the tokens themselves, so that reconnecting need not read them back.</summary>
public sealed record CallbackOutcome(bool Success, string? ServerName, string? Error, string? UserId = null, TokenSet? StoredTokens = null);
