using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>
/// Moving a revision (<see cref="RevisionRow"/>) inside a change's transaction, as its last statements: the change and
/// the move commit together or not at all, so no instance can miss it, and the row lock that orders concurrent changes
/// of one scope is held only until the commit that follows. A registry move also logs the scopes the change can have
/// touched (<see cref="RegistryChangeRow"/>, ADR 0042).
/// </summary>
public static class Revisions
{
    /// <summary>How long the registry's change log is kept: an instance that has not read it for longer starts afresh.</summary>
    public static readonly TimeSpan LogKept = TimeSpan.FromHours(1);

    /// <summary>The roles' revision: past its value, and never below the clock in microseconds, so that a database
    /// restored from a backup cannot bring it back to a value at which some instance still keeps older reads.</summary>
    public static async Task MoveRolesAsync(PlatformDbContext db, CancellationToken ct)
    {
        RequireTransaction(db);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE revisions SET value = greatest(value + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) WHERE scope = {RevisionRow.Roles}", ct);
    }

    /// <summary>
    /// The registry's revision, as for the roles, and a log row of what the change touched: the server (by name and
    /// id) and the lists of every principal on its ACL now or in <paramref name="earlierScopes"/> (those it had before
    /// the change, from <see cref="PrincipalScopesAsync"/>: a removed share changes the removed principal's lists).
    /// </summary>
    public static async Task MoveRegistryAsync(PlatformDbContext db, Guid serverId, string serverName, IReadOnlyCollection<string> earlierScopes, CancellationToken ct)
    {
        RequireTransaction(db);
        // Locked first, so that the value logged as the previous one is the one this move replaces.
        var previous = await db.Database
            .SqlQuery<long>($"SELECT value AS \"Value\" FROM revisions WHERE scope = {RevisionRow.Registry} FOR UPDATE")
            .SingleAsync(ct);
        string[] given = [RegistryScopes.Server(serverName), RegistryScopes.ServerId(serverId), .. earlierScopes];
        var keptMicroseconds = (long)LogKept.TotalMicroseconds;
        await db.Database.ExecuteSqlAsync($"""
            WITH moved AS (
                UPDATE revisions SET value = greatest({previous} + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
                WHERE scope = {RevisionRow.Registry} RETURNING value),
            logged AS (
                INSERT INTO registry_changes (revision, previous, scopes)
                SELECT moved.value, {previous}, ARRAY(
                    SELECT DISTINCT s FROM unnest({given}::text[] || ARRAY(
                        SELECT 'principal:' || a.principal_type || ':' || a.principal_id FROM acl_entries a WHERE a.resource_id = {serverId})) AS s)
                FROM moved
                RETURNING revision)
            DELETE FROM registry_changes WHERE revision < (SELECT revision FROM logged) - {keptMicroseconds}
            """, ct);
    }

    /// <summary>The scopes of the lists of every principal on the server's ACL, read before a change that may remove some.</summary>
    public static async Task<IReadOnlyCollection<string>> PrincipalScopesAsync(PlatformDbContext db, Guid serverId, CancellationToken ct) =>
        await db.AclEntries.AsNoTracking()
            .Where(a => a.ResourceId == serverId)
            .Select(a => "principal:" + a.PrincipalType + ":" + a.PrincipalId)
            .ToListAsync(ct);

    private static void RequireTransaction(PlatformDbContext db)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A revision moves only inside the transaction of the change it covers.");
        }
    }
}
