using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Sharing;

/// <summary>Sharing a server with users, groups, roles and everyone; addressed by the server's database id.</summary>
public sealed class SharingService(
    IServerQueries queries,
    IAclRepository acl,
    IPrincipalDirectory directory,
    RoleService roles)
{
    public static Error UpdateFailed(string details) => new(ErrorKind.Validation, "Failed to update permissions", Details: details);

    public async Task<Result<ServerPermissions>> GetAsync(Caller caller, Guid serverId, CancellationToken ct)
    {
        var access = await AuthorizeShareAsync(caller, serverId, ct);
        if (!access.IsSuccess)
        {
            return access.Error!;
        }

        return await DescribeAsync(serverId, ct);
    }

    public async Task<Result<ServerPermissions>> UpdateAsync(Caller caller, Guid serverId, ShareUpdate update, CancellationToken ct)
    {
        var access = await AuthorizeShareAsync(caller, serverId, ct);
        if (!access.IsSuccess)
        {
            return access.Error!;
        }

        var changes = await ShareChanges.BuildAsync(update, directory, ct);
        if (!changes.IsSuccess)
        {
            return changes.Error!;
        }

        // Sharing with everyone needs SHARE_PUBLIC however it is asked for: public: true, a public principal, or a role
        // (every user holds one, so a role is as wide as public).
        if (changes.Value.Upserts.Any(u => StandsForAllUsers(u.Principal)) && !await roles.HasAsync(caller, [McpPermission.SharePublic], ct))
        {
            return RoleService.InsufficientPermissions;
        }

        var record = new AuditEvent(caller.UserId, AuditActions.AclChanged, AccessRole.ResourceType, serverId.ToString(), new Dictionary<string, string?>
        {
            ["serverName"] = access.Value.Server.Name,
            ["granted"] = string.Join(",", changes.Value.Upserts.Select(u => $"{u.Principal}={u.Role.Id}")),
            ["revoked"] = string.Join(",", changes.Value.Removals),
        });
        var outcome = await acl.ApplyAsync(serverId, changes.Value, caller.UserId, record, ct);
        switch (outcome)
        {
            case AclApplyOutcome.ResourceMissing:
                return ServerErrors.ServerNotFound;
            case AclApplyOutcome.WouldRemoveLastOwner:
                return UpdateFailed("The last owner of a server cannot be removed; grant owner to someone else first");
        }

        return await DescribeAsync(serverId, ct);
    }

    /// <summary>The caller's effective bits on one server (0 when none or the server does not exist).</summary>
    public async Task<PermissionBits> EffectiveAsync(Caller caller, Guid serverId, CancellationToken ct)
    {
        var found = await queries.FindByIdAsync(serverId, caller.Principals, ct);
        return found is null ? PermissionBits.None : caller.IsAdmin ? PermissionBits.All : found.Bits;
    }

    public Task<IReadOnlyDictionary<Guid, PermissionBits>> EffectiveForAllAsync(Caller caller, CancellationToken ct) =>
        acl.EffectiveForAllAsync(caller.Principals, ct);

    private async Task<Result<ServerAccess>> AuthorizeShareAsync(Caller caller, Guid serverId, CancellationToken ct)
    {
        if (!await roles.HasAsync(caller, [McpPermission.Share], ct))
        {
            return RoleService.InsufficientPermissions;
        }

        var found = await queries.FindByIdAsync(serverId, caller.Principals, ct);
        if (found is null)
        {
            return ServerErrors.ServerNotFound;
        }

        return AccessPolicy.Allows(caller.IsAdmin, found.Bits, PermissionBits.Share) ? found : ServerErrors.InsufficientPermissions;
    }

    private async Task<ServerPermissions> DescribeAsync(Guid serverId, CancellationToken ct)
    {
        var grants = await acl.ListForServerAsync(serverId, ct);
        var named = await directory.DescribeAsync([.. grants.Select(g => g.Principal)], ct);
        var publicGrant = grants.FirstOrDefault(g => g.Principal.Type == PrincipalType.Public);
        var principals = grants
            .Where(g => g.Principal.Type != PrincipalType.Public)
            .Select(g => named.TryGetValue(g.Principal, out var info)
                ? new SharedPrincipal(g.Principal, info.Name, info.Email, g.AccessRoleId)
                : new SharedPrincipal(g.Principal, g.Principal.Type == PrincipalType.Role ? g.Principal.Id : null, null, g.AccessRoleId))
            .ToList();
        return new ServerPermissions(serverId, principals, publicGrant is not null, publicGrant?.AccessRoleId);
    }

    /// <summary>A principal that every user is, or may be without anyone choosing them: public, and any system role.</summary>
    private static bool StandsForAllUsers(PrincipalKey principal) => principal.Type is PrincipalType.Public or PrincipalType.Role;
}
