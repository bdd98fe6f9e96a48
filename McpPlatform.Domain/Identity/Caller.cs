namespace McpPlatform.Domain.Identity;

/// <summary>The authenticated user making a request, as their token describes them.</summary>
public sealed record Caller(string UserId, string Role, IReadOnlyList<string> Groups, string? Name = null, string? Email = null)
{
    public bool IsAdmin => Role == SystemRoles.Admin;

    /// <summary>Every principal an ACL entry may name to match this caller: self, role, each group, public.</summary>
    public IReadOnlyList<PrincipalKey> Principals { get; } = BuildPrincipals(UserId, Role, Groups);

    private static PrincipalKey[] BuildPrincipals(string userId, string role, IReadOnlyList<string> groups)
    {
        var keys = new List<PrincipalKey>(groups.Count + 3) { PrincipalKey.User(userId), PrincipalKey.Role(role) };
        keys.AddRange(groups.Distinct(StringComparer.Ordinal).Select(PrincipalKey.Group));
        keys.Add(PrincipalKey.Public);
        return [.. keys];
    }
}
