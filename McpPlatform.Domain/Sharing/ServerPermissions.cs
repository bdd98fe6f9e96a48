namespace McpPlatform.Domain.Sharing;

/// <summary>Who a server is shared with, as the sharing dialog shows it: the principals and whether it is public.</summary>
public sealed record ServerPermissions(Guid ServerId, IReadOnlyList<SharedPrincipal> Principals, bool IsPublic, string? PublicAccessRoleId);
