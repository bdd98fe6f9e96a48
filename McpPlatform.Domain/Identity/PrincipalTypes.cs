namespace McpPlatform.Domain.Identity;

/// <summary>The wire names of <see cref="PrincipalType"/>.</summary>
public static class PrincipalTypes
{
    public static string ToWire(PrincipalType type) => type switch
    {
        PrincipalType.User => "user",
        PrincipalType.Group => "group",
        PrincipalType.Role => "role",
        _ => "public",
    };

    public static bool TryParse(string? wire, out PrincipalType type)
    {
        switch (wire)
        {
            case "user": type = PrincipalType.User; return true;
            case "group": type = PrincipalType.Group; return true;
            case "role": type = PrincipalType.Role; return true;
            case "public": type = PrincipalType.Public; return true;
            default: type = default; return false;
        }
    }
}
