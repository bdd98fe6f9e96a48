namespace McpPlatform.Domain.Audit;

/// <summary>The audit log as admins read it. Records are written by the repositories, each in the transaction of the
/// change it records (see <see cref="AuditEvent"/>).</summary>
public interface IAuditLog
{
    /// <summary>Newest first; <paramref name="beforeId"/> is the keyset cursor.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(string? resourceId, string? actorId, long? beforeId, int limit, CancellationToken ct);
}
