namespace McpPlatform.Api.Features.Connections;

/// <summary>Which of a server's variables you have set, by name: booleans, never values.</summary>
public sealed record AuthValuesResponse(bool Success, string ServerName, IReadOnlyDictionary<string, bool> AuthValueFlags);
