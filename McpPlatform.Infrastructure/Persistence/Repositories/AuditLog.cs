using System.Text.Json;
using McpPlatform.Domain.Audit;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

public sealed class AuditLog(PlatformDbContext db, TimeProvider clock) : IAuditLog
{
    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken ct)
    {
        db.AuditLog.Add(RowOf(auditEvent, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>The row for an event; repositories that record a change in its own transaction add it there.</summary>
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
