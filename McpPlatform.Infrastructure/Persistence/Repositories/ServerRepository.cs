using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>
/// Servers in PostgreSQL. Writes go through EF Core; the reads that carry the caller's ACL bits are single
/// hand-written statements on the shared data source (auto-prepared), because their shape is what makes them fast
/// at a million servers: each principal's ACL entries are read in name order from one index and merged.
/// </summary>
public sealed class ServerRepository(PlatformDbContext db, NpgsqlDataSource dataSource, ServerSecretsCodec codec, TimeProvider clock) : IServerRepository
{
    private const string ServerColumns = "s.id, s.server_name, s.config, s.secrets, s.author_id, s.created_at, s.updated_at, s.version";

    // The principal arrays come through a materialised row. In sight, their lengths make every custom plan look
    // cheaper than the generic one, so the prepared statement was planned again on every execution, which cost
    // PostgreSQL about three times the execution itself (measured at 1M servers: 0 generic plans out of 8 runs).
    private const string FindSql = $"""
        WITH arg AS MATERIALIZED (SELECT $2::text[] AS types, $3::text[] AS ids)
        SELECT {ServerColumns},
               COALESCE((SELECT bit_or(a.perm_bits) FROM acl_entries a
                         JOIN unnest((SELECT types FROM arg), (SELECT ids FROM arg)) AS p(t, i)
                           ON a.principal_type = p.t AND a.principal_id = p.i
                         WHERE a.resource_id = s.id), 0)
        FROM mcp_servers s
        """;

    /// <summary>A server by name with the OR of the bits of principals $2 (types) / $3 (ids); public for the
    /// benchmark's flat reference endpoint, which runs exactly this statement per request.</summary>
    public const string FindByNameSql = FindSql + " WHERE s.server_name = $1";

    // The entries come as three parallel arrays, aggregated in one pass over the same rows (so in the same order).
    private const string FindSharedSql = $"""
        SELECT {ServerColumns}, g.types, g.ids, g.bits
        FROM mcp_servers s
        CROSS JOIN LATERAL (
            SELECT array_agg(e.principal_type) AS types, array_agg(e.principal_id) AS ids, array_agg(e.perm_bits) AS bits
            FROM (SELECT a.principal_type, a.principal_id, a.perm_bits FROM acl_entries a WHERE a.resource_id = s.id LIMIT $2) e) g
        WHERE s.server_name = $1
        """;

    private const string ListSql = $"""
        SELECT {ServerColumns}
        FROM mcp_servers s
        WHERE s.id IN (SELECT a.resource_id FROM unnest($1::text[], $2::text[]) AS p(t, i)
                       JOIN acl_entries a ON a.principal_type = p.t AND a.principal_id = p.i
                       WHERE a.resource_type = 'mcpServer' AND (a.perm_bits & 1) = 1)
        ORDER BY s.server_name
        """;

    // The first n names after the cursor from each principal's ordered stream, merged: at most (principals × n) index
    // entries are read, however many servers the caller can see. The arguments come through a materialised row, as
    // in FindSql: with the arrays and the limit in sight every custom plan looked cheaper than the generic one, so
    // each execution was planned again (measured at 1M servers: 0 generic plans out of 8; planning 0.1-0.5 ms against
    // an execution of 0.3-0.7 ms).
    private const string PageSql = $"""
        WITH arg AS MATERIALIZED (SELECT $1::text[] AS types, $2::text[] AS ids, $3::int AS n, $4::text AS after)
        SELECT {ServerColumns}
        FROM (SELECT DISTINCT c.resource_id, c.resource_name
              FROM unnest((SELECT types FROM arg), (SELECT ids FROM arg)) AS p(t, i)
              CROSS JOIN LATERAL (
                  SELECT a.resource_id, a.resource_name FROM acl_entries a
                  WHERE a.principal_type = p.t AND a.principal_id = p.i AND a.resource_type = 'mcpServer'
                    AND a.resource_name > (SELECT after FROM arg) AND (a.perm_bits & 1) = 1
                  ORDER BY a.resource_name
                  LIMIT (SELECT n FROM arg)) c
              ORDER BY c.resource_name
              LIMIT (SELECT n FROM arg)) v
        JOIN mcp_servers s ON s.id = v.resource_id
        ORDER BY s.server_name
        """;

    // Search (a LIKE pattern over name, title and description), as the union of two sets, each read the way its size calls for:
    // - shared: the servers the caller sees through their other principals (self, role, groups), read as the list
    //   reads them, from each principal's range of the ACL index, which carries the search text: the first n matches
    //   of each range in name order, merged (every entry of the range for a rare term: typically ~1,300 in all);
    // - public: a common term has its first n public matches among the next 10n public servers in name order, read
    //   from the public name index (index-only); when those hold fewer than n matches the term is rare among public
    //   servers, and the public trigram index finds all of its matches, to be sorted (typically fewer than 1 in 10;
    //   a term whose trigrams are in every row, such as "mcp-a", makes it recheck every public server).
    // The arguments come through a materialised row, so the planner sees no value: every execution of the prepared
    // statement gets the one generic plan this shape dictates (custom plans cost more to make than to run), and the
    // OFFSET 0 fence keeps the public trigram filter after the scan chosen for it.
    private const string SearchSql = $"""
        WITH arg AS MATERIALIZED (SELECT 'public' = ANY($1::text[]) AS public, $3::text AS pattern, $4::int AS n, $5::text AS after),
        public_head AS MATERIALIZED (
            SELECT h.id, h.server_name
            FROM (SELECT s.id, s.server_name, s.search_text FROM mcp_servers s
                  WHERE (SELECT public FROM arg) AND {ServerRow.IsPublicSql} AND s.server_name > (SELECT after FROM arg)
                  ORDER BY s.server_name
                  LIMIT (SELECT 10 * n FROM arg)) h
            WHERE h.search_text LIKE (SELECT pattern FROM arg)
            LIMIT (SELECT n FROM arg)),
        public_rare AS (
            SELECT p.id, p.server_name
            FROM (SELECT s.id, s.server_name FROM mcp_servers s
                  WHERE (SELECT count(*) FROM public_head) < (SELECT n FROM arg) AND (SELECT public FROM arg)
                    AND {ServerRow.IsPublicSql} AND s.search_text LIKE (SELECT pattern FROM arg)
                  OFFSET 0) p
            WHERE p.server_name > (SELECT after FROM arg)
            ORDER BY p.server_name
            LIMIT (SELECT n FROM arg)),
        shared AS (
            SELECT DISTINCT c.resource_id AS id, c.resource_name AS server_name
            FROM unnest($1::text[], $2::text[]) AS p(t, i)
            CROSS JOIN LATERAL (
                SELECT a.resource_id, a.resource_name FROM acl_entries a
                WHERE a.principal_type = p.t AND a.principal_id = p.i AND a.resource_type = 'mcpServer'
                  AND a.resource_name > (SELECT after FROM arg) AND (a.perm_bits & 1) = 1
                  AND a.search_text LIKE (SELECT pattern FROM arg)
                ORDER BY a.resource_name
                LIMIT (SELECT n FROM arg)) c
            WHERE p.t <> 'public'
            ORDER BY 2
            LIMIT (SELECT n FROM arg))
        SELECT {ServerColumns}
        FROM (SELECT * FROM public_head UNION SELECT * FROM public_rare UNION SELECT * FROM shared
              ORDER BY server_name
              LIMIT (SELECT n FROM arg)) v
        JOIN mcp_servers s ON s.id = v.id
        ORDER BY s.server_name
        """;

    public async Task<ServerAccess?> FindAsync(string name, IReadOnlyList<PrincipalKey> principals, CancellationToken ct)
    {
        var (types, ids) = PrincipalArrays.Split(principals);
        await using var command = dataSource.CreateCommand(FindByNameSql);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = types });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        return await ReadAccessAsync(command, ct);
    }

    public async Task<SharedServer?> FindSharedAsync(string name, int maxGrants, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(FindSharedSql);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = maxGrants + 1 });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var server = ReadServer(reader, DecodeSecrets(reader));
        var types = reader.IsDBNull(8) ? [] : reader.GetFieldValue<string[]>(8);
        if (types.Length > maxGrants)
        {
            return new SharedServer(server, [], Complete: false);
        }

        var ids = types.Length == 0 ? [] : reader.GetFieldValue<string[]>(9);
        var bits = types.Length == 0 ? [] : reader.GetFieldValue<int[]>(10);
        var grants = new Grant[types.Length];
        for (var i = 0; i < grants.Length; i++)
        {
            grants[i] = new Grant(PrincipalArrays.Parse(types[i], ids[i]), (PermissionBits)bits[i]);
        }

        return new SharedServer(server, grants, Complete: true);
    }

    public async Task<ServerAccess?> FindByIdAsync(Guid id, IReadOnlyList<PrincipalKey> principals, CancellationToken ct)
    {
        var (types, ids) = PrincipalArrays.Split(principals);
        await using var command = dataSource.CreateCommand(FindSql + " WHERE s.id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = types });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        return await ReadAccessAsync(command, ct);
    }

    public async Task<IReadOnlyList<McpServer>> ListVisibleAsync(IReadOnlyList<PrincipalKey> principals, CancellationToken ct)
    {
        var (types, ids) = PrincipalArrays.Split(principals);
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter { Value = types });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        return await ReadMaskedAsync(command, ct);
    }

    public async Task<IReadOnlyList<McpServer>> PageVisibleAsync(IReadOnlyList<PrincipalKey> principals, string? after, int limit, string? search, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(search is null ? PageSql : SearchSql);
        var (types, ids) = PrincipalArrays.Split(principals);
        command.Parameters.Add(new NpgsqlParameter { Value = types });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        if (search is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = PrincipalArrays.LikeContains(search) });
        }

        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = after ?? string.Empty });
        return await ReadMaskedAsync(command, ct);
    }

    public async Task<(McpServer? Server, CreateFailure Failure)> CreateAsync(NewServer server, Func<IReadOnlyCollection<string>, string> chooseName, int maxPerAuthor, CancellationToken ct)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryCreateAsync(server, chooseName, maxPerAuthor, ct);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && attempt < attempts)
            {
                // Only a random name can collide (slugs are allocated under a lock): draw again.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<(McpServer? Server, CreateFailure Failure)> TryCreateAsync(NewServer server, Func<IReadOnlyCollection<string>, string> chooseName, int maxPerAuthor, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockAsync("author:" + server.AuthorId, ct);
        if (await db.Servers.CountAsync(s => s.AuthorId == server.AuthorId, ct) >= maxPerAuthor)
        {
            return (null, CreateFailure.QuotaExceeded);
        }

        IReadOnlyCollection<string> taken = [];
        if (server.BaseSlug is { } baseSlug)
        {
            await LockAsync("slug:" + baseSlug, ct);
            taken = await db.Servers.Where(s => s.ServerName.StartsWith(baseSlug)).Select(s => s.ServerName).ToListAsync(ct);
        }

        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var name = chooseName(taken);
        var (configJson, secrets) = codec.Encode(id, server.Config);
        var owner = PrincipalKey.User(server.AuthorId);
        db.Servers.Add(new ServerRow
        {
            Id = id, ServerName = name, Config = configJson, Secrets = secrets, AuthorId = server.AuthorId,
            CreatedAt = now, UpdatedAt = now, Version = 1, ViewerKeys = [owner.ToString()],
        });
        db.AclEntries.Add(new AclEntryRow
        {
            PrincipalType = owner.WireType, PrincipalId = owner.Id, ResourceType = AccessRole.ResourceType, ResourceId = id,
            ResourceName = name, PermBits = (int)AccessRoles.Owner.Bits, AccessRoleId = AccessRoles.OwnerId,
            GrantedBy = server.AuthorId, GrantedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (new McpServer(id, name, server.Config, server.AuthorId, now, now, 1), CreateFailure.None);
    }

    public async Task<McpServer?> UpdateAsync(Guid id, McpServerConfig config, long? expectedVersion, bool revokeCredentials, AuditEvent audit, CancellationToken ct)
    {
        var (configJson, secrets) = codec.Encode(id, config);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Servers
            .Where(s => s.Id == id && (expectedVersion == null || s.Version == expectedVersion))
            .ExecuteUpdateAsync(set => set
                .SetProperty(s => s.Config, configJson)
                .SetProperty(s => s.Secrets, secrets)
                .SetProperty(s => s.UpdatedAt, now)
                .SetProperty(s => s.Version, s => s.Version + 1), ct);
        if (changed == 0)
        {
            return null;
        }

        var row = await db.Servers.AsNoTracking().SingleAsync(s => s.Id == id, ct);
        var details = new Dictionary<string, string?>(audit.Details ?? new Dictionary<string, string?>()) { ["credentialsRevoked"] = revokeCredentials ? "true" : "false" };
        if (revokeCredentials)
        {
            (await ServerCredentials.DeleteAsync(db, id, ct)).AddTo(details);
        }

        db.AuditLog.Add(AuditLog.RowOf(audit with { Details = details }, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new McpServer(row.Id, row.ServerName, config, row.AuthorId, row.CreatedAt, row.UpdatedAt, row.Version);
    }

    public async Task<bool> DeleteAsync(Guid id, long? expectedVersion, AuditEvent audit, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // ACL entries go by foreign key; the credentials (no foreign key: app-level servers have them too) here.
        if (await db.Servers.Where(s => s.Id == id && (expectedVersion == null || s.Version == expectedVersion)).ExecuteDeleteAsync(ct) == 0)
        {
            return false;
        }

        var details = new Dictionary<string, string?>(audit.Details ?? new Dictionary<string, string?>());
        (await ServerCredentials.DeleteAsync(db, id, ct)).AddTo(details);
        db.AuditLog.Add(AuditLog.RowOf(audit with { Details = details }, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return true;
    }

    public Task MarkRequiresOAuthAsync(string name, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"UPDATE mcp_servers SET config = jsonb_set(config, '{{requiresOAuth}}', 'true') WHERE server_name = {name}", ct);

    /// <summary>A transaction-scoped advisory lock on a string key.</summary>
    private Task<int> LockAsync(string key, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", ct);

    private async Task<ServerAccess?> ReadAccessAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new ServerAccess(ReadServer(reader, DecodeSecrets(reader)), (PermissionBits)reader.GetInt32(8));
    }

    private McpServerConfig DecodeSecrets(NpgsqlDataReader reader) =>
        codec.Decode(reader.GetGuid(0), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3));

    private static async Task<IReadOnlyList<McpServer>> ReadMaskedAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var result = new List<McpServer>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(ReadServer(reader, ServerSecretsCodec.DecodeMasked(reader.GetString(2))));
        }

        return result;
    }

    private static McpServer ReadServer(NpgsqlDataReader reader, McpServerConfig config) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        config,
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetInt64(7));
}
