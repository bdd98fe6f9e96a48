namespace McpPlatform.Domain.Connections;

/// <summary>LibreChat's answer to reinitialize: a plain connection failure is a success-false answer, not an error.</summary>
public sealed record ReinitializeOutcome(bool Success, string Message, string ServerName, bool OAuthRequired, string? OAuthUrl, IReadOnlyList<string>? MissingUserVars);
