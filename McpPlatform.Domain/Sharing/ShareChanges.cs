using McpPlatform.Domain.Access;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Sharing;

/// <summary>A <see cref="ShareUpdate"/> as the SPA sends it, checked and turned into an <see cref="AclChangeSet"/>:
/// principals parsed, access roles known, users and groups known to the directory, at most
/// <see cref="MaxChangesPerRequest"/> of them.</summary>
public static class ShareChanges
{
    public const int MaxChangesPerRequest = 200;

    public static async Task<Result<AclChangeSet>> BuildAsync(ShareUpdate update, IPrincipalDirectory directory, CancellationToken ct)
    {
        if (update.Updated.Count + update.Removed.Count > MaxChangesPerRequest)
        {
            return SharingService.UpdateFailed($"At most {MaxChangesPerRequest} principals can be changed at once");
        }

        var upserts = new List<(PrincipalKey, AccessRole)>();
        foreach (var request in update.Updated)
        {
            if (!TryParsePrincipal(request, out var key, out var problem))
            {
                return SharingService.UpdateFailed(problem);
            }

            if (AccessRoles.Find(request.AccessRoleId) is not { } role)
            {
                return SharingService.UpdateFailed(request.AccessRoleId is null ? "accessRoleId is required for updated principals" : $"Role {request.AccessRoleId} not found");
            }

            upserts.Add((key, role));
        }

        var removals = new List<PrincipalKey>();
        foreach (var request in update.Removed)
        {
            if (!TryParsePrincipal(request, out var key, out var problem))
            {
                return SharingService.UpdateFailed(problem);
            }

            removals.Add(key);
        }

        if (update.Public == true)
        {
            if (AccessRoles.Find(update.PublicAccessRoleId) is not { } publicRole)
            {
                return SharingService.UpdateFailed(update.PublicAccessRoleId is null ? "publicAccessRoleId is required when public is true" : $"Role {update.PublicAccessRoleId} not found");
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
                return SharingService.UpdateFailed($"Principal {unknown} not found");
            }
        }

        return new AclChangeSet(upserts, removals);
    }

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
