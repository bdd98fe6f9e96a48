using McpPlatform.Domain.Identity;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>Users and groups as tokens describe them. Recording is skipped while a caller's claims are unchanged,
/// so only the first request of a session (or one after a change) writes.</summary>
public sealed class PrincipalDirectory(PlatformDbContext db, IMemoryCache cache, TimeProvider clock) : IPrincipalDirectory
{
    public async Task RecordAsync(Caller caller, CancellationToken ct)
    {
        var fingerprint = string.Join('\u001f', caller.Name, caller.Email, caller.Role, string.Join('\u001e', caller.Groups.Order(StringComparer.Ordinal)));
        var cacheKey = "principal-seen:" + caller.UserId;
        if (cache.TryGetValue(cacheKey, out string? seen) && seen == fingerprint)
        {
            return;
        }

        // One statement, so one round trip and atomic without a transaction: the user, groups first seen, and the
        // memberships made to match the token (the foreign keys are checked at the end of the statement). Its commit
        // does not wait for the WAL (synchronous_commit off, this transaction only; ADR 0024): a crash could lose only
        // the last fraction of a second of these copies of token claims, which a later request writes again.
        var now = clock.GetUtcNow();
        var groups = caller.Groups.Distinct(StringComparer.Ordinal).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            WITH relaxed_commit AS (
                SELECT set_config('synchronous_commit', 'off', true)
            ), recorded_user AS (
                INSERT INTO users (id, name, email, role, first_seen_at, last_seen_at)
                SELECT {caller.UserId}, {caller.Name}, {caller.Email}, {caller.Role}, {now}, {now} FROM relaxed_commit
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, role = excluded.role, last_seen_at = excluded.last_seen_at
            ), recorded_groups AS (
                INSERT INTO groups (id, name, first_seen_at) SELECT g, g, {now} FROM unnest({groups}::text[]) AS g
                ON CONFLICT (id) DO NOTHING
            ), left_groups AS (
                DELETE FROM group_members WHERE user_id = {caller.UserId} AND NOT (group_id = ANY({groups}))
            )
            INSERT INTO group_members (group_id, user_id) SELECT g, {caller.UserId} FROM unnest({groups}::text[]) AS g
            ON CONFLICT DO NOTHING
            """, ct);
        cache.Set(cacheKey, fingerprint, TimeSpan.FromMinutes(10));
    }

    public async Task<IReadOnlyList<PrincipalInfo>> SearchAsync(string query, IReadOnlySet<PrincipalType> types, int limit, CancellationToken ct)
    {
        var pattern = PrincipalArrays.LikeContains(query);
        var results = new List<PrincipalInfo>();
        if (types.Contains(PrincipalType.User))
        {
            var users = await db.Users.AsNoTracking()
                .Where(u => EF.Functions.ILike(u.Id, pattern) || EF.Functions.ILike(u.Name ?? string.Empty, pattern) || EF.Functions.ILike(u.Email ?? string.Empty, pattern))
                .OrderBy(u => u.Name).ThenBy(u => u.Id).Take(limit).ToListAsync(ct);
            results.AddRange(users.Select(ToInfo));
        }

        if (types.Contains(PrincipalType.Group))
        {
            var groups = await db.Groups.AsNoTracking()
                .Where(g => EF.Functions.ILike(g.Id, pattern) || EF.Functions.ILike(g.Name ?? string.Empty, pattern))
                .OrderBy(g => g.Name).ThenBy(g => g.Id).Take(limit).ToListAsync(ct);
            results.AddRange(groups.Select(ToInfo));
        }

        return results;
    }

    public async Task<IReadOnlyDictionary<PrincipalKey, PrincipalInfo>> DescribeAsync(IReadOnlyCollection<PrincipalKey> keys, CancellationToken ct)
    {
        var userIds = keys.Where(k => k.Type == PrincipalType.User).Select(k => k.Id).ToList();
        var groupIds = keys.Where(k => k.Type == PrincipalType.Group).Select(k => k.Id).ToList();
        var result = new Dictionary<PrincipalKey, PrincipalInfo>();
        if (userIds.Count > 0)
        {
            foreach (var user in await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToListAsync(ct))
            {
                var info = ToInfo(user);
                result[info.Key] = info;
            }
        }

        if (groupIds.Count > 0)
        {
            foreach (var group in await db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToListAsync(ct))
            {
                var info = ToInfo(group);
                result[info.Key] = info;
            }
        }

        return result;
    }

    private static PrincipalInfo ToInfo(UserRow user) => new(PrincipalKey.User(user.Id), user.Name, user.Email);

    private static PrincipalInfo ToInfo(GroupRow group) => new(PrincipalKey.Group(group.Id), group.Name, null);
}
