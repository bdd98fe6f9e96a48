namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>An access role a share grants (<c>access_roles</c>, seeded from the domain's access roles).</summary>
public sealed class AccessRoleRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Description { get; set; }
    public required string ResourceType { get; set; }
    public int PermBits { get; set; }
}
