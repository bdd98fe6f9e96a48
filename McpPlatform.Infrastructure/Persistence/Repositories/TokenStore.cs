using System.Text.Json;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Security;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Persistence.Sql;
using McpPlatform.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>OAuth tokens per user × server and client registrations per server × issuer; secrets encrypted and
/// bound to their row and credential binding. Token rows carry a version, so a concurrent refresh cannot overwrite a
/// newer one.</summary>
public sealed class TokenStore(PlatformDbContext db, NpgsqlDataSource dataSource, ISecretProtector protector, TimeProvider clock) : ITokenStore
{
    private sealed record TokenMetadata(string TokenEndpoint, string ClientId, string TokenAuthMethod, string Resource, string? RevocationEndpoint);

    private sealed record RegistrationMetadata(string TokenAuthMethod);

    public async Task<TokenSet?> GetAsync(string userId, CredentialKey key, CancellationToken ct)
    {
        var row = await db.OAuthTokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.UserId == userId && t.ServerId == key.ServerId && t.Binding == key.Binding, ct);
        if (row?.Metadata is null)
        {
            return null;
        }

        var meta = JsonSerializer.Deserialize<TokenMetadata>(row.Metadata)!;
        return new TokenSet(
            protector.Unprotect(row.AccessToken, SecretContexts.AccessToken(userId, key.ServerId, key.Binding)),
            row.RefreshToken is null ? null : protector.Unprotect(row.RefreshToken, SecretContexts.RefreshToken(userId, key.ServerId, key.Binding)),
            row.TokenType ?? "Bearer", row.ExpiresAt, row.Scope, row.Issuer ?? string.Empty,
            meta.TokenEndpoint, meta.ClientId, meta.TokenAuthMethod, meta.Resource, meta.RevocationEndpoint, row.Version, row.UpdatedAt);
    }

    public async Task<long?> SaveAsync(string userId, CredentialKey key, TokenSet tokens, long? expectedVersion, CancellationToken ct)
    {
        var (serverId, binding) = key;
        var access = protector.Protect(tokens.AccessToken, SecretContexts.AccessToken(userId, serverId, binding));
        var refresh = tokens.RefreshToken is null ? null : protector.Protect(tokens.RefreshToken, SecretContexts.RefreshToken(userId, serverId, binding));
        var metadata = JsonSerializer.Serialize(new TokenMetadata(tokens.TokenEndpoint, tokens.ClientId, tokens.TokenAuthMethod, tokens.Resource, tokens.RevocationEndpoint));
        var now = clock.GetUtcNow();
        // RETURNING gives the caller the row's new version, so tokens just stored need not be read back. A refresh
        // (expected version) only replaces tokens stored under the same binding. The new authorization's statement is
        // the one scripts/bench.sh times on its own (the OAuth callback's durable write).
        await using var command = dataSource.CreateCommand(expectedVersion is null ? SqlStatements.SaveOAuthTokens : SqlStatements.RefreshOAuthTokens);
        object?[] row = expectedVersion is { } version ? [userId, serverId, binding, version] : [userId, serverId, binding];
        object?[] values = [access, refresh, tokens.TokenType, tokens.ExpiresAt, tokens.Issuer, tokens.Scope, metadata, now];
        foreach (var value in row.Concat(values))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        // A reader read to its end (not ExecuteScalar): the connection goes back to the shared pool, unreset, with
        // nothing of the statement's answer left on it.
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetInt64(reader.GetOrdinal("version")) : null;
    }

    public async Task<bool> DeleteAsync(string userId, Guid serverId, CancellationToken ct) =>
        await db.OAuthTokens.Where(t => t.UserId == userId && t.ServerId == serverId).ExecuteDeleteAsync(ct) > 0;

    public async Task<ClientRegistration?> GetRegistrationAsync(CredentialKey key, string issuer, CancellationToken ct)
    {
        var row = await db.OAuthClientRegistrations.AsNoTracking()
            .SingleOrDefaultAsync(r => r.ServerId == key.ServerId && r.Issuer == issuer && r.Binding == key.Binding, ct);
        if (row is null)
        {
            return null;
        }

        var meta = row.Metadata is null ? null : JsonSerializer.Deserialize<RegistrationMetadata>(row.Metadata);
        return new ClientRegistration(
            row.ClientId,
            row.ClientSecret is null ? null : protector.Unprotect(row.ClientSecret, SecretContexts.ClientSecret(key.ServerId, key.Binding, issuer)),
            meta?.TokenAuthMethod ?? (row.ClientSecret is null ? "none" : "client_secret_basic"));
    }

    public async Task<ClientRegistration> SaveRegistrationAsync(CredentialKey key, string issuer, ClientRegistration registration, CancellationToken ct)
    {
        var (serverId, binding) = key;
        var secret = registration.ClientSecret is null ? null : protector.Protect(registration.ClientSecret, SecretContexts.ClientSecret(serverId, binding, issuer));
        var metadata = JsonSerializer.Serialize(new RegistrationMetadata(registration.TokenAuthMethod));
        // The first registration stored under a binding wins; one stored under another binding is replaced.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO oauth_client_registrations (server_id, binding, issuer, client_id, client_secret, metadata, created_at)
            VALUES ({serverId}, {binding}, {issuer}, {registration.ClientId}, {secret}, {metadata}::jsonb, {clock.GetUtcNow()})
            ON CONFLICT (server_id, issuer) DO UPDATE SET binding = excluded.binding, client_id = excluded.client_id,
                client_secret = excluded.client_secret, metadata = excluded.metadata, created_at = excluded.created_at
            WHERE oauth_client_registrations.binding <> excluded.binding
            """, ct);
        return await GetRegistrationAsync(key, issuer, ct) ?? registration;
    }
}
