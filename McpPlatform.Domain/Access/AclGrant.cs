using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Access;

/// <summary>One grant on one server: a principal holds an access role's bits.</summary>
public sealed record AclGrant(PrincipalKey Principal, string AccessRoleId, PermissionBits Bits, string? GrantedBy, DateTimeOffset GrantedAt);
