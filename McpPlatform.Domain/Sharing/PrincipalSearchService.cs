using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Sharing;

/// <summary>The people picker: users, groups and roles whose id, name or email contains the query.</summary>
public sealed class PrincipalSearchService(IPrincipalDirectory directory, RoleService roles)
{
    public async Task<Result<PrincipalSearchResult>> SearchAsync(Caller caller, string? q, string? limit, string? types, CancellationToken ct)
    {
        if (!await roles.HasAsync(caller, [McpPermission.Share], ct))
        {
            return RoleService.InsufficientPermissions;
        }

        var query = q?.Trim();
        if (string.IsNullOrEmpty(query))
        {
            return new Error(ErrorKind.Validation, "Query parameter \"q\" is required and must not be empty");
        }

        if (query.Length < 2)
        {
            return new Error(ErrorKind.Validation, "Query must be at least 2 characters long");
        }

        if (query.Length > 100)
        {
            return new Error(ErrorKind.Validation, "Query must be at most 100 characters long");
        }

        // LibreChat's clamping: absent → 20, not a number → 10, then 1..50.
        var size = limit is null ? 20 : int.TryParse(limit, out var parsed) ? Math.Clamp(parsed, 1, 50) : 10;
        var wanted = new HashSet<PrincipalType>();
        foreach (var type in (types ?? "user,group,role").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!PrincipalTypes.TryParse(type, out var parsedType) || parsedType == PrincipalType.Public)
            {
                return new Error(ErrorKind.Validation, $"Invalid principal type: {type}");
            }

            wanted.Add(parsedType);
        }

        var typeNames = wanted.Select(PrincipalTypes.ToWire).ToList();
        var results = new List<PrincipalInfo>();
        if (wanted.Contains(PrincipalType.Role))
        {
            results.AddRange(SystemRoles.All
                .Where(r => r.Contains(query, StringComparison.OrdinalIgnoreCase))
                .Select(r => new PrincipalInfo(PrincipalKey.Role(r), r, null)));
        }

        wanted.Remove(PrincipalType.Role);
        if (wanted.Count > 0)
        {
            results.AddRange(await directory.SearchAsync(query, wanted, size, ct));
        }

        return new PrincipalSearchResult(query, size, typeNames, [.. results.Take(size)]);
    }
}
