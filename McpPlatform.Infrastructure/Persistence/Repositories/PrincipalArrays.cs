using McpPlatform.Domain.Identity;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>A caller's principals as the two parallel arrays the SQL unnests.</summary>
internal static class PrincipalArrays
{
    public static (string[] Types, string[] Ids) Split(IReadOnlyList<PrincipalKey> principals)
    {
        var types = new string[principals.Count];
        var ids = new string[principals.Count];
        for (var i = 0; i < principals.Count; i++)
        {
            types[i] = principals[i].WireType;
            ids[i] = principals[i].Id;
        }

        return (types, ids);
    }

    public static PrincipalKey Parse(string type, string id) =>
        PrincipalTypes.TryParse(type, out var parsed) ? new PrincipalKey(parsed, id) : throw new InvalidOperationException($"Unknown principal type '{type}' in the ACL.");

    /// <summary>Escapes LIKE wildcards so user input only ever matches literally.</summary>
    public static string LikeContains(string term) =>
        "%" + term.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
