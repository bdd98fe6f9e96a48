using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Security;
using McpPlatform.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>Credential variables, each value encrypted and bound to (user, server, variable).</summary>
public sealed class CredentialStore(PlatformDbContext db, ISecretProtector protector, TimeProvider clock) : ICredentialStore
{
    public async Task<IReadOnlyDictionary<string, string>> GetAsync(string userId, string serverName, CancellationToken ct)
    {
        var rows = await db.CredentialVariables.AsNoTracking().Where(c => c.UserId == userId && c.ServerName == serverName).ToListAsync(ct);
        return rows.ToDictionary(r => r.Name, r => protector.Unprotect(r.Value, SecretContexts.CredentialVariable(userId, serverName, r.Name)), StringComparer.Ordinal);
    }

    public async Task SetAsync(string userId, string serverName, IReadOnlyDictionary<string, string> values, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var (name, value) in values)
        {
            var ciphertext = protector.Protect(value, SecretContexts.CredentialVariable(userId, serverName, name));
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO credential_variables (user_id, server_name, name, value, updated_at) VALUES ({userId}, {serverName}, {name}, {ciphertext}, {now})
                ON CONFLICT (user_id, server_name, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """, ct);
        }

        await transaction.CommitAsync(ct);
    }

    public Task<int> DeleteAsync(string userId, string serverName, CancellationToken ct) =>
        db.CredentialVariables.Where(c => c.UserId == userId && c.ServerName == serverName).ExecuteDeleteAsync(ct);

    public async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ListNamesAsync(string userId, CancellationToken ct)
    {
        var rows = await db.CredentialVariables.AsNoTracking().Where(c => c.UserId == userId).Select(c => new { c.ServerName, c.Name }).ToListAsync(ct);
        return rows.GroupBy(r => r.ServerName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(r => r.Name).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }
}
