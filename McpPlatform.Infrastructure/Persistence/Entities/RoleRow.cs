namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>A system role's <c>MCP_SERVERS</c> permissions (<c>roles</c>).</summary>
public sealed class RoleRow
{
    public required string Name { get; set; }
    public bool McpUse { get; set; }
    public bool McpCreate { get; set; }
    public bool McpShare { get; set; }
    public bool McpSharePublic { get; set; }
}
