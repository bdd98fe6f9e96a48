using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Identity;

/// <summary>System-role permissions: the checks every route's policy asks, and the admin routes that change them.</summary>
public sealed class RoleService(IRoleRepository roles)
{
    public static readonly Error RoleNotFound = new(ErrorKind.NotFound, Message: "Role not found");
    public static readonly Error InsufficientPermissions = new(ErrorKind.Forbidden, Message: "Forbidden: Insufficient permissions");

    /// <summary>True when the caller's role grants every one of <paramref name="required"/> (no admin bypass: an
    /// admin whose role was stripped of a permission is refused like anyone else, as in LibreChat).</summary>
    public async Task<bool> HasAsync(Caller caller, IReadOnlyCollection<McpPermission> required, CancellationToken ct)
    {
        var permissions = await roles.GetAsync(caller.Role, ct);
        return permissions is not null && required.All(permissions.Allows);
    }

    public async Task<Result<RoleView>> GetAsync(Caller caller, string roleName, CancellationToken ct)
    {
        var role = SystemRoles.Normalize(roleName);
        if (!caller.IsAdmin && role != caller.Role)
        {
            return new Error(ErrorKind.Forbidden, Message: "Unauthorized");
        }

        var permissions = await roles.GetAsync(role, ct);
        return permissions is null ? RoleNotFound : new RoleView(role, permissions);
    }

    public async Task<Result<RoleView>> UpdateMcpServersAsync(Caller caller, string roleName, McpServerPermissionsPatch patch, CancellationToken ct)
    {
        if (!caller.IsAdmin)
        {
            return new Error(ErrorKind.Forbidden, Message: "Forbidden");
        }

        var role = SystemRoles.Normalize(roleName);
        var updated = await roles.UpdateAsync(role, patch, permissions => new AuditEvent(caller.UserId, AuditActions.RolePermissionsChanged, "role", role, new Dictionary<string, string?>
        {
            ["USE"] = permissions.Use.ToString(), ["CREATE"] = permissions.Create.ToString(), ["SHARE"] = permissions.Share.ToString(), ["SHARE_PUBLIC"] = permissions.SharePublic.ToString(),
        }), ct);
        if (updated is null)
        {
            return RoleNotFound;
        }

        return new RoleView(role, updated);
    }
}
