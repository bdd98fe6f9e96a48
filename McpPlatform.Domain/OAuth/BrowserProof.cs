namespace McpPlatform.Domain.OAuth;

/// <summary>The proof a browser keeps (as an HttpOnly cookie) that it started the caller's flow for a server.</summary>
public sealed record BrowserProof(string ServerName, string Value, DateTimeOffset Expires);
