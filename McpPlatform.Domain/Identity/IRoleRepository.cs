namespace McpPlatform.Domain.Identity;

/// <summary>System roles and their MCP_SERVERS permissions, persisted.</summary>
public interface IRoleRepository
{
    Task<McpServerPermissions?> GetAsync(string role, CancellationToken ct);

    Task<McpServerPermissions?> UpdateAsync(string role, McpServerPermissionsPatch patch, CancellationToken ct);
}
