using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>Changes to user-managed servers through EF Core, each in one transaction with its audit record (ADR
/// 0023) and the registry revision's move (ADR 0041). The reads that carry a caller's ACL bits are
/// <see cref="Queries.ServerQueries"/>'.</summary>
public sealed class ServerRepository(PlatformDbContext db, ServerSecretsCodec codec, TimeProvider clock) : IServerRepository
{
    public async Task<(McpServer? Server, CreateFailure Failure)> CreateAsync(NewServer server, Func<IReadOnlyCollection<string>, string> chooseName, int maxPerAuthor, Func<McpServer, AuditEvent> audit, CancellationToken ct)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryCreateAsync(server, chooseName, maxPerAuthor, audit, ct);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && attempt < attempts)
            {
                // Only a random name can collide (slugs are allocated under a lock): draw again.
                db.ChangeTracker.Clear();
            }
        }
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
        await Revisions.MoveRegistryAsync(db, id, row.ServerName, [], ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new McpServer(row.Id, row.ServerName, config, row.AuthorId, row.CreatedAt, row.UpdatedAt, row.Version);
    }

    public async Task<bool> DeleteAsync(Guid id, long? expectedVersion, AuditEvent audit, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var name = await db.Servers.Where(s => s.Id == id).Select(s => s.ServerName).SingleOrDefaultAsync(ct);
        var principals = await Revisions.PrincipalScopesAsync(db, id, ct);
        // ACL entries go by foreign key; the credentials (no foreign key: app-level servers have them too) here.
        if (name is null || await db.Servers.Where(s => s.Id == id && (expectedVersion == null || s.Version == expectedVersion)).ExecuteDeleteAsync(ct) == 0)
        {
            return false;
        }

        var details = new Dictionary<string, string?>(audit.Details ?? new Dictionary<string, string?>());
        (await ServerCredentials.DeleteAsync(db, id, ct)).AddTo(details);
        db.AuditLog.Add(AuditLog.RowOf(audit with { Details = details }, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await Revisions.MoveRegistryAsync(db, id, name, principals, ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return true;
    }

    public async Task MarkRequiresOAuthAsync(string name, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var marked = await db.Database.SqlQuery<Guid>(
            $"UPDATE mcp_servers SET config = jsonb_set(config, '{{requiresOAuth}}', 'true') WHERE server_name = {name} AND config -> 'requiresOAuth' IS DISTINCT FROM 'true'::jsonb RETURNING id AS \"Value\"")
            .ToListAsync(ct);
        foreach (var id in marked)
        {
            await Revisions.MoveRegistryAsync(db, id, name, [], ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<McpServer>> ListAllAsync(CancellationToken ct)
    {
        var rows = await db.Servers.AsNoTracking().OrderBy(s => s.ServerName).ToListAsync(ct);
        return [.. rows.Select(r => new McpServer(r.Id, r.ServerName, ServerSecretsCodec.DecodeMasked(r.Config), r.AuthorId, r.CreatedAt, r.UpdatedAt, r.Version))];
    }

    private async Task<(McpServer? Server, CreateFailure Failure)> TryCreateAsync(NewServer server, Func<IReadOnlyCollection<string>, string> chooseName, int maxPerAuthor, Func<McpServer, AuditEvent> audit, CancellationToken ct)
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
        var created = new McpServer(id, name, server.Config, server.AuthorId, now, now, 1);
        db.AuditLog.Add(AuditLog.RowOf(audit(created), now));
        await db.SaveChangesAsync(ct);
        await Revisions.MoveRegistryAsync(db, id, name, [], ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (created, CreateFailure.None);
    }

    /// <summary>A transaction-scoped advisory lock on a string key.</summary>
    private Task<int> LockAsync(string key, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", ct);
}
