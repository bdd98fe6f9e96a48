using McpPlatform.Domain.Identity;

namespace McpPlatform.Api.Auth;

/// <summary>A development token's contents, as the <c>token</c> command takes them.</summary>
public sealed record TokenRequest(string Subject, string Role = SystemRoles.User, string? Name = null, string? Email = null, IReadOnlyList<string>? Groups = null, int Minutes = 60);
