using McpPlatform.Domain.Access;

namespace McpPlatform.Domain.Servers;

/// <summary>A stored server together with the OR of the bits the caller's principals hold on it.</summary>
public sealed record ServerAccess(McpServer Server, PermissionBits Bits);
