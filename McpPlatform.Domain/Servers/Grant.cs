using McpPlatform.Domain.Access;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>One ACL entry on a server: who holds which bits.</summary>
public readonly record struct Grant(PrincipalKey Principal, PermissionBits Bits);
