namespace McpPlatform.Domain.Access;

/// <summary>A named bundle of bits that a share grants (LibreChat's access roles for <c>mcpServer</c>).</summary>
public sealed record AccessRole(string Id, string Name, string Description, PermissionBits Bits)
{
    public const string ResourceType = "mcpServer";
}
