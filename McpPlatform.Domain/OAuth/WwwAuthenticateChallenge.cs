namespace McpPlatform.Domain.OAuth;

/// <summary>The Bearer challenge of a 401/403 (<c>resource_metadata</c>, <c>scope</c>, <c>error</c>).</summary>
public sealed record WwwAuthenticateChallenge(string? ResourceMetadata, string? Scope, string? Error);
