using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>Role permissions, read on every request, so kept in memory for as long as the roles revision holds: an
/// update moves it in its own transaction (with its audit record), so no instance answers from permissions older than
/// an update that was answered before the request began.</summary>
public sealed class RoleRepository(PlatformDbContext db, IMemoryCache cache, IChangeRevisions revisions, TimeProvider clock) : IRoleRepository
{
    public async Task<McpServerPermissions?> GetAsync(string role, CancellationToken ct)
    {
        var name = SystemRoles.Normalize(role);
        // The revision is read before the row: an update committed in between leaves the row newer than its revision,
        // which is then read again next time rather than kept stale.
        var revision = (await revisions.ReadAsync(ct)).Roles;
        if (cache.TryGetValue(CacheKey(name), out Kept? kept) && kept!.Revision == revision)
        {
            return kept.Permissions;
        }

        var row = await db.Roles.AsNoTracking().SingleOrDefaultAsync(r => r.Name == name, ct);
        var permissions = row is null ? null : new McpServerPermissions(row.McpUse, row.McpCreate, row.McpShare, row.McpSharePublic);
        cache.Set(CacheKey(name), new Kept(revision, permissions));
        return permissions;
    }

    public async Task<McpServerPermissions?> UpdateAsync(string role, McpServerPermissionsPatch patch, Func<McpServerPermissions, AuditEvent> audit, CancellationToken ct)
    {
        var name = SystemRoles.Normalize(role);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Roles.SingleOrDefaultAsync(r => r.Name == name, ct);
        if (row is null)
        {
            return null;
        }

        var updated = patch.ApplyTo(new McpServerPermissions(row.McpUse, row.McpCreate, row.McpShare, row.McpSharePublic));
        (row.McpUse, row.McpCreate, row.McpShare, row.McpSharePublic) = (updated.Use, updated.Create, updated.Share, updated.SharePublic);
        db.AuditLog.Add(AuditLog.RowOf(audit(updated), clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await Revisions.MoveRolesAsync(db, ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return updated;
    }

    private static string CacheKey(string role) => "role-permissions:" + role;

    private sealed record Kept(long Revision, McpServerPermissions? Permissions);
}
