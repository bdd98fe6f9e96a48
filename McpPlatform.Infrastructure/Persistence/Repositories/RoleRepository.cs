using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>Role permissions, read on every request, so cached briefly; an update clears this instance's copy at
/// once, and other instances see it within <see cref="CacheFor"/>. An update is saved with its audit record.</summary>
public sealed class RoleRepository(PlatformDbContext db, IMemoryCache cache, TimeProvider clock) : IRoleRepository
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    public async Task<McpServerPermissions?> GetAsync(string role, CancellationToken ct)
    {
        var name = SystemRoles.Normalize(role);
        if (cache.TryGetValue(CacheKey(name), out McpServerPermissions? cached))
        {
            return cached;
        }

        var row = await db.Roles.AsNoTracking().SingleOrDefaultAsync(r => r.Name == name, ct);
        var permissions = row is null ? null : new McpServerPermissions(row.McpUse, row.McpCreate, row.McpShare, row.McpSharePublic);
        cache.Set(CacheKey(name), permissions, CacheFor);
        return permissions;
    }

    public async Task<McpServerPermissions?> UpdateAsync(string role, McpServerPermissionsPatch patch, Func<McpServerPermissions, AuditEvent> audit, CancellationToken ct)
    {
        var name = SystemRoles.Normalize(role);
        var row = await db.Roles.SingleOrDefaultAsync(r => r.Name == name, ct);
        if (row is null)
        {
            return null;
        }

        var updated = patch.ApplyTo(new McpServerPermissions(row.McpUse, row.McpCreate, row.McpShare, row.McpSharePublic));
        (row.McpUse, row.McpCreate, row.McpShare, row.McpSharePublic) = (updated.Use, updated.Create, updated.Share, updated.SharePublic);
        db.AuditLog.Add(AuditLog.RowOf(audit(updated), clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);   // one transaction: the role and its audit record
        db.ChangeTracker.Clear();
        cache.Remove(CacheKey(name));
        return updated;
    }

    private static string CacheKey(string role) => "role-permissions:" + role;
}
