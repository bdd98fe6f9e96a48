using System.Text.Json;
using McpPlatform.Domain.Audit;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>The audit log: read by admins, written by each repository in the transaction of the change it records
/// (ADR 0023), with <see cref="RowOf"/>.</summary>
public sealed class AuditLog(PlatformDbContext db) : IAuditLog
{
    /// <summary>The row recording <paramref name="auditEvent"/>, to be added in the transaction of its change.</summary>
    internal static AuditRow RowOf(AuditEvent auditEvent, DateTimeOffset at) => new()
    {
        At = at,
        ActorId = auditEvent.ActorId,
        Action = auditEvent.Action,
        ResourceType = auditEvent.ResourceType,
        ResourceId = auditEvent.ResourceId,
        Details = auditEvent.Details is null ? null : JsonSerializer.Serialize(auditEvent.Details),
    };

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(string? resourceId, string? actorId, long? beforeId, int limit, CancellationToken ct)
    {
        var query = db.AuditLog.AsNoTracking();
        if (resourceId is not null)
        {
            query = query.Where(a => a.ResourceId == resourceId);
        }

        if (actorId is not null)
        {
            query = query.Where(a => a.ActorId == actorId);
        }

        if (beforeId is { } before)
        {
            query = query.Where(a => a.Id < before);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(limit).ToListAsync(ct);
        return [.. rows.Select(r => new AuditRecord(r.Id, r.At, r.ActorId, r.Action, r.ResourceType, r.ResourceId,
            r.Details is null ? null : JsonSerializer.Deserialize<Dictionary<string, string?>>(r.Details)))];
    }
}
