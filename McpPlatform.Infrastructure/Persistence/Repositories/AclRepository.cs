using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Identity;
using McpPlatform.Infrastructure.Persistence.Sql;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>The ACL entries of servers; a change set is applied together with its audit record and the registry
/// revision's move.</summary>
public sealed class AclRepository(PlatformDbContext db, NpgsqlDataSource dataSource, TimeProvider clock) : IAclRepository
{
    public async Task<IReadOnlyList<AclGrant>> ListForServerAsync(Guid serverId, CancellationToken ct)
    {
        var rows = await db.AclEntries.AsNoTracking()
            .Where(a => a.ResourceId == serverId)
            .OrderBy(a => a.PrincipalType).ThenBy(a => a.PrincipalId)
            .ToListAsync(ct);
        return [.. rows.Select(a => new AclGrant(PrincipalArrays.Parse(a.PrincipalType, a.PrincipalId), a.AccessRoleId, (PermissionBits)a.PermBits, a.GrantedBy, a.GrantedAt))];
    }

    public async Task<AclApplyOutcome> ApplyAsync(Guid serverId, AclChangeSet changes, string grantedBy, AuditEvent audit, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Locking the server row serialises concurrent share changes, so the last-owner rule cannot be raced.
        var serverName = await db.Database
            .SqlQuery<string>($"SELECT server_name AS \"Value\" FROM mcp_servers WHERE id = {serverId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (serverName is null)
        {
            return AclApplyOutcome.ResourceMissing;
        }

        var before = await Revisions.PrincipalScopesAsync(db, serverId, ct);
        var now = clock.GetUtcNow();
        foreach (var (principal, role) in changes.Upserts)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO acl_entries (principal_type, principal_id, resource_type, resource_id, resource_name, perm_bits, access_role_id, granted_by, granted_at)
                VALUES ({principal.WireType}, {principal.Id}, {AccessRole.ResourceType}, {serverId}, {serverName}, {(int)role.Bits}, {role.Id}, {grantedBy}, {now})
                ON CONFLICT (resource_id, principal_type, principal_id)
                DO UPDATE SET perm_bits = excluded.perm_bits, access_role_id = excluded.access_role_id,
                              granted_by = excluded.granted_by, granted_at = excluded.granted_at
                """, ct);
        }

        foreach (var principal in changes.Removals)
        {
            await db.Database.ExecuteSqlAsync(
                $"DELETE FROM acl_entries WHERE resource_id = {serverId} AND principal_type = {principal.WireType} AND principal_id = {principal.Id}", ct);
        }

        var owners = await db.AclEntries.CountAsync(a => a.ResourceId == serverId && a.AccessRoleId == AccessRoles.OwnerId, ct);
        if (owners == 0)
        {
            await transaction.RollbackAsync(ct);
            return AclApplyOutcome.WouldRemoveLastOwner;
        }

        await db.Database.ExecuteSqlAsync($"""
            UPDATE mcp_servers SET viewer_keys = ARRAY(
                SELECT principal_type || ':' || principal_id FROM acl_entries
                WHERE resource_id = {serverId} AND (perm_bits & 1) = 1 ORDER BY 1)
            WHERE id = {serverId}
            """, ct);
        db.AuditLog.Add(AuditLog.RowOf(audit, now));
        await db.SaveChangesAsync(ct);
        await Revisions.MoveRegistryAsync(db, serverId, serverName, before, ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return AclApplyOutcome.Applied;
    }

    public async Task<IReadOnlyDictionary<Guid, PermissionBits>> EffectiveForAllAsync(IReadOnlyList<PrincipalKey> principals, CancellationToken ct)
    {
        var (types, ids) = PrincipalArrays.Split(principals);
        await using var command = dataSource.CreateCommand(SqlStatements.EffectivePermissions);
        command.Parameters.Add(new NpgsqlParameter { Value = types });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        var result = new Dictionary<Guid, PermissionBits>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        var (serverColumn, bitsColumn) = (reader.GetOrdinal("resource_id"), reader.GetOrdinal("perm_bits"));
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetGuid(serverColumn)] = (PermissionBits)reader.GetInt32(bitsColumn);
        }

        return result;
    }
}
