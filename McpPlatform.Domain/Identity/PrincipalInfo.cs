namespace McpPlatform.Domain.Identity;

/// <summary>A user or group as the people picker shows it.</summary>
public sealed record PrincipalInfo(PrincipalKey Key, string? Name, string? Email);
