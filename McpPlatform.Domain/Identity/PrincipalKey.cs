namespace McpPlatform.Domain.Identity;

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
