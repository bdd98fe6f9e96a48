using McpPlatform.Domain.Identity;

namespace McpPlatform.Api.Features.Roles;

/// <summary>A system role and its permissions, in LibreChat's shape.</summary>
public sealed record RoleResponse(string Name, RolePermissionsResponse Permissions)
{
    public static RoleResponse From(RoleView role) => new(role.Name, new RolePermissionsResponse(
        new McpServersPermissionsResponse(role.McpServers.Use, role.McpServers.Create, role.McpServers.Share, role.McpServers.SharePublic)));
}
