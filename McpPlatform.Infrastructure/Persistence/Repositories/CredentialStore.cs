using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Security;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>Credential variables, each value encrypted and bound to (user, server, binding, variable); each change is
/// written with its audit record.</summary>
public sealed class CredentialStore(PlatformDbContext db, ISecretProtector protector, TimeProvider clock) : ICredentialStore
{
    public async Task<IReadOnlyDictionary<string, string>> GetAsync(string userId, CredentialKey key, CancellationToken ct)
    {
        var rows = await db.CredentialVariables.AsNoTracking()
            .Where(c => c.UserId == userId && c.ServerId == key.ServerId && c.Binding == key.Binding)
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Name, r => protector.Unprotect(r.Value, SecretContexts.CredentialVariable(userId, key.ServerId, key.Binding, r.Name)), StringComparer.Ordinal);
    }

    public async Task SetAsync(string userId, CredentialKey key, IReadOnlyDictionary<string, string> values, AuditEvent audit, CancellationToken ct)
    {
        var (serverId, binding) = key;
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Variables entered under another binding were meant for another destination: they go rather than linger.
        await db.CredentialVariables.Where(c => c.UserId == userId && c.ServerId == serverId && c.Binding != binding).ExecuteDeleteAsync(ct);
        foreach (var (name, value) in values)
        {
            var ciphertext = protector.Protect(value, SecretContexts.CredentialVariable(userId, serverId, binding, name));
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO credential_variables (user_id, server_id, binding, name, value, updated_at) VALUES ({userId}, {serverId}, {binding}, {name}, {ciphertext}, {now})
                ON CONFLICT (user_id, server_id, name) DO UPDATE SET binding = excluded.binding, value = excluded.value, updated_at = excluded.updated_at
                """, ct);
        }

        db.AuditLog.Add(AuditLog.RowOf(audit, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    public async Task<int> DeleteAsync(string userId, Guid serverId, AuditEvent audit, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.CredentialVariables.Where(c => c.UserId == userId && c.ServerId == serverId).ExecuteDeleteAsync(ct);
        db.AuditLog.Add(AuditLog.RowOf(audit, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return deleted;
    }

    public async Task<IReadOnlyDictionary<Guid, IReadOnlySet<string>>> ListNamesAsync(string userId, CancellationToken ct)
    {
        var rows = await db.CredentialVariables.AsNoTracking().Where(c => c.UserId == userId).Select(c => new { c.ServerId, c.Name }).ToListAsync(ct);
        return rows.GroupBy(r => r.ServerId)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(r => r.Name).ToHashSet(StringComparer.Ordinal));
    }
}
