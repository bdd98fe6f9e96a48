using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Sharing;

/// <summary>A principal's grant as the sharing dialog shows it.</summary>
public sealed record SharedPrincipal(PrincipalKey Principal, string? Name, string? Email, string AccessRoleId);
