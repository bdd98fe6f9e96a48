using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Sharing;

/// <summary>Sharing a server with users, groups, roles and everyone; addressed by the server's database id.</summary>
public sealed class SharingService(
    IServerQueries queries,
    IAclRepository acl,
    IPrincipalDirectory directory,
    RoleService roles,
    IAuditLog audit,
    ICatalogRevisions catalogRevisions)
{
    public const int MaxChangesPerRequest = 200;

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

        var changes = await BuildChangesAsync(update, ct);
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

        var outcome = await acl.ApplyAsync(serverId, changes.Value, caller.UserId, ct);
        switch (outcome)
        {
            case AclApplyOutcome.ResourceMissing:
                return ServerRegistryService.ServerNotFound;
            case AclApplyOutcome.WouldRemoveLastOwner:
                return UpdateFailed("The last owner of a server cannot be removed; grant owner to someone else first");
        }

        await catalogRevisions.RegistryChangedAsync(ct);
        await audit.WriteAsync(new AuditEvent(caller.UserId, AuditActions.AclChanged, AccessRole.ResourceType, serverId.ToString(), new Dictionary<string, string?>
        {
            ["serverName"] = access.Value.Server.Name,
            ["granted"] = string.Join(",", changes.Value.Upserts.Select(u => $"{u.Principal}={u.Role.Id}")),
            ["revoked"] = string.Join(",", changes.Value.Removals),
        }), ct);
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
            return ServerRegistryService.ServerNotFound;
        }

        return AccessPolicy.Allows(caller.IsAdmin, found.Bits, PermissionBits.Share) ? found : ServerRegistryService.InsufficientPermissions;
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

    private async Task<Result<AclChangeSet>> BuildChangesAsync(ShareUpdate update, CancellationToken ct)
    {
        if (update.Updated.Count + update.Removed.Count > MaxChangesPerRequest)
        {
            return UpdateFailed($"At most {MaxChangesPerRequest} principals can be changed at once");
        }

        var upserts = new List<(PrincipalKey, AccessRole)>();
        foreach (var request in update.Updated)
        {
            if (!TryParsePrincipal(request, out var key, out var problem))
            {
                return UpdateFailed(problem);
            }

            if (AccessRoles.Find(request.AccessRoleId) is not { } role)
            {
                return UpdateFailed(request.AccessRoleId is null ? "accessRoleId is required for updated principals" : $"Role {request.AccessRoleId} not found");
            }

            upserts.Add((key, role));
        }

        var removals = new List<PrincipalKey>();
        foreach (var request in update.Removed)
        {
            if (!TryParsePrincipal(request, out var key, out var problem))
            {
                return UpdateFailed(problem);
            }

            removals.Add(key);
        }

        if (update.Public == true)
        {
            if (AccessRoles.Find(update.PublicAccessRoleId) is not { } publicRole)
            {
                return UpdateFailed(update.PublicAccessRoleId is null ? "publicAccessRoleId is required when public is true" : $"Role {update.PublicAccessRoleId} not found");
            }

            upserts.Add((PrincipalKey.Public, publicRole));
        }
        else if (update.Public == false)
        {
            removals.Add(PrincipalKey.Public);
        }

        var mustExist = upserts.Select(u => u.Item1).Where(k => k.Type is PrincipalType.User or PrincipalType.Group).Distinct().ToList();
        if (mustExist.Count > 0)
        {
            var known = await directory.DescribeAsync(mustExist, ct);
            if (mustExist.FirstOrDefault(k => !known.ContainsKey(k)) is { Id: not null } unknown)
            {
                return UpdateFailed($"Principal {unknown} not found");
            }
        }

        return new AclChangeSet(upserts, removals);
    }

    /// <summary>A principal that every user is, or may be without anyone choosing them: public, and any system role.</summary>
    private static bool StandsForAllUsers(PrincipalKey principal) => principal.Type is PrincipalType.Public or PrincipalType.Role;

    private static bool TryParsePrincipal(ShareRequest request, out PrincipalKey key, out string problem)
    {
        key = default;
        problem = string.Empty;
        if (!PrincipalTypes.TryParse(request.Type, out var type))
        {
            problem = $"Invalid principal type: {request.Type}";
            return false;
        }

        if (type == PrincipalType.Public)
        {
            key = PrincipalKey.Public;
            return true;
        }

        if (string.IsNullOrWhiteSpace(request.Id) || request.Id.Length > 256)
        {
            problem = "Principal ID is required for user, group, and role principals";
            return false;
        }

        if (type == PrincipalType.Role && !SystemRoles.All.Contains(SystemRoles.Normalize(request.Id)))
        {
            problem = $"Invalid role ID: {request.Id}";
            return false;
        }

        key = type == PrincipalType.Role ? PrincipalKey.Role(request.Id) : new PrincipalKey(type, request.Id);
        return true;
    }
}
