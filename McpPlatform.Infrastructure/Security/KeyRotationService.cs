using McpPlatform.Domain.Security;
using McpPlatform.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Security;

/// <summary>
/// Re-encrypts every stored secret under the active key, a batch per transaction, so an interrupted run can simply
/// be started again (values already under the active key are skipped). Afterwards old keys can be removed.
/// </summary>
public sealed class KeyRotationService(PlatformDbContext db, ISecretProtector protector)
{
    private const int BatchSize = 500;

    public async Task<RotationReport> RotateAsync(Action<string>? progress, CancellationToken ct)
    {
        var total = new RotationReport(0, 0);
        total = Add(total, await RotateAsync(db.Servers.Where(s => s.Secrets != null).OrderBy(s => s.Id), s => s.Id.ToString(), row =>
            row.Secrets = Rewrap(row.Secrets!, SecretContexts.ServerSecrets(row.Id)), "server secrets", progress, ct));
        total = Add(total, await RotateAsync(db.OAuthTokens.OrderBy(t => t.UserId).ThenBy(t => t.ServerId), t => $"{t.UserId}/{t.ServerId}", row =>
        {
            row.AccessToken = Rewrap(row.AccessToken, SecretContexts.AccessToken(row.UserId, row.ServerId, row.Binding));
            row.RefreshToken = row.RefreshToken is null ? null : Rewrap(row.RefreshToken, SecretContexts.RefreshToken(row.UserId, row.ServerId, row.Binding));
        }, "OAuth tokens", progress, ct));
        total = Add(total, await RotateAsync(db.OAuthClientRegistrations.Where(r => r.ClientSecret != null).OrderBy(r => r.Id), r => r.Id.ToString(), row =>
            row.ClientSecret = Rewrap(row.ClientSecret!, SecretContexts.ClientSecret(row.ServerId, row.Binding, row.Issuer)), "client registrations", progress, ct));
        total = Add(total, await RotateAsync(db.CredentialVariables.OrderBy(c => c.UserId).ThenBy(c => c.ServerId).ThenBy(c => c.Name), c => $"{c.UserId}/{c.ServerId}/{c.Name}", row =>
            row.Value = Rewrap(row.Value, SecretContexts.CredentialVariable(row.UserId, row.ServerId, row.Binding, row.Name)), "credential variables", progress, ct));
        return total;
    }

    private async Task<RotationReport> RotateAsync<T>(IQueryable<T> rows, Func<T, string> describe, Action<T> rewrap, string what, Action<string>? progress, CancellationToken ct)
        where T : class
    {
        int changed = 0, current = 0, offset = 0;
        while (true)
        {
            var batch = await rows.Skip(offset).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            foreach (var row in batch)
            {
                var before = db.Entry(row).CurrentValues.Clone();
                try
                {
                    rewrap(row);
                }
                catch (System.Security.Cryptography.CryptographicException e)
                {
                    throw new InvalidOperationException($"Cannot decrypt {what} row {describe(row)}: {e.Message}", e);
                }

                if (db.Entry(row).State == EntityState.Modified)
                {
                    changed++;
                }
                else
                {
                    current++;
                }
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
            offset += batch.Count;
        }

        progress?.Invoke($"{what}: {changed} re-encrypted, {current} already under the active key");
        return new RotationReport(changed, current);
    }

    /// <summary>The same value under the active key; the unchanged array when it already is (so EF sees no change).</summary>
    private byte[] Rewrap(byte[] ciphertext, SecretContext context) =>
        protector.IsUnderActiveKey(ciphertext) ? ciphertext : protector.Protect(protector.Unprotect(ciphertext, context), context);

    private static RotationReport Add(RotationReport a, RotationReport b) => new(a.ReEncrypted + b.ReEncrypted, a.AlreadyCurrent + b.AlreadyCurrent);
}
