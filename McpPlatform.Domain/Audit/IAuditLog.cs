namespace McpPlatform.Domain.Audit;

/// <summary>The audit log: changes are recorded, admins read it.</summary>
public interface IAuditLog
{
    Task WriteAsync(AuditEvent auditEvent, CancellationToken ct);

    /// <summary>Newest first; <paramref name="beforeId"/> is the keyset cursor.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(string? resourceId, string? actorId, long? beforeId, int limit, CancellationToken ct);
}
