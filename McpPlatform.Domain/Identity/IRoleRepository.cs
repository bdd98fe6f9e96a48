using McpPlatform.Domain.Audit;

namespace McpPlatform.Domain.Identity;

/// <summary>System roles and their MCP_SERVERS permissions, persisted.</summary>
public interface IRoleRepository
{
    Task<McpServerPermissions?> GetAsync(string role, CancellationToken ct);

    /// <summary>Applies the patch and records <paramref name="audit"/> of the resulting permissions, in one
    /// transaction; null (and nothing recorded) when the role does not exist.</summary>
    Task<McpServerPermissions?> UpdateAsync(string role, McpServerPermissionsPatch patch, Func<McpServerPermissions, AuditEvent> audit, CancellationToken ct);
}
