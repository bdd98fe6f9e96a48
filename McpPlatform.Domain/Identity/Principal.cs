namespace McpPlatform.Domain.Identity;

/// <summary>Who an ACL entry is for. The wire names are LibreChat's: <c>user</c>, <c>group</c>, <c>role</c>, <c>public</c>.</summary>
public enum PrincipalType
{
    User,
    Group,
    Role,
    Public,
}

/// <summary>A principal as the ACL stores it. Public entries use the id <see cref="PublicId"/> so that every
/// principal is an equality match on (type, id) — a NULL id would defeat the ordered index.</summary>
public readonly record struct PrincipalKey(PrincipalType Type, string Id)
{
    public const string PublicId = "*";

    public static PrincipalKey Public { get; } = new(PrincipalType.Public, PublicId);

    public static PrincipalKey User(string id) => new(PrincipalType.User, id);

    public static PrincipalKey Group(string id) => new(PrincipalType.Group, id);

    public static PrincipalKey Role(string name) => new(PrincipalType.Role, SystemRoles.Normalize(name));

    public string WireType => PrincipalTypes.ToWire(Type);

    public override string ToString() => $"{WireType}:{Id}";
}

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
