using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Persistence.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpPlatform.Infrastructure.Persistence;

/// <summary>
/// At start-up, deletes the credentials (tokens, registrations, variables) of servers that no longer exist: a
/// database server is deleted with its credentials, but an app-level server removed from configuration leaves its
/// users' credentials behind, and one whose configuration now sends credentials elsewhere leaves them bound to the old
/// place. Only rows older than this start are touched, so that during a rolling update an instance on the previous
/// configuration cannot purge what the new one just stored. Each server's purge is audited.
/// </summary>
public sealed partial class OrphanedCredentialPurge(IServiceScopeFactory scopes, IAppServerCatalog appServers, TimeProvider clock, ILogger<OrphanedCredentialPurge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startedAt = clock.GetUtcNow();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var purged = await PurgeAsync(scope.ServiceProvider.GetRequiredService<PlatformDbContext>(), startedAt, stoppingToken);
            if (purged > 0)
            {
                Purged(logger, purged);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A database that is down or not migrated yet: the next start tries again; the credentials are unusable meanwhile.
            PurgeFailed(logger, e.Message);
        }
    }

    public async Task<int> PurgeAsync(PlatformDbContext db, DateTimeOffset before, CancellationToken ct)
    {
        var ids = appServers.All.Select(s => s.Id).ToArray();
        var bindings = appServers.All.Select(s => CredentialBinding.Of(s.Config)).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.Database.SqlQuery<PurgedRow>($"""
            WITH current_app AS (SELECT * FROM unnest({ids}::uuid[], {bindings}::text[]) AS a(server_id, binding)),
            tokens AS (
                DELETE FROM oauth_tokens t WHERE t.updated_at < {before}
                  AND NOT EXISTS (SELECT 1 FROM mcp_servers s WHERE s.id = t.server_id)
                  AND NOT EXISTS (SELECT 1 FROM current_app a WHERE a.server_id = t.server_id AND a.binding = t.binding)
                RETURNING t.server_id, 'tokens' AS kind),
            registrations AS (
                DELETE FROM oauth_client_registrations r WHERE r.created_at < {before}
                  AND NOT EXISTS (SELECT 1 FROM mcp_servers s WHERE s.id = r.server_id)
                  AND NOT EXISTS (SELECT 1 FROM current_app a WHERE a.server_id = r.server_id AND a.binding = r.binding)
                RETURNING r.server_id, 'registrations' AS kind),
            variables AS (
                DELETE FROM credential_variables c WHERE c.updated_at < {before}
                  AND NOT EXISTS (SELECT 1 FROM mcp_servers s WHERE s.id = c.server_id)
                  AND NOT EXISTS (SELECT 1 FROM current_app a WHERE a.server_id = c.server_id AND a.binding = c.binding)
                RETURNING c.server_id, 'variables' AS kind)
            SELECT server_id, kind, count(*)::int AS count
            FROM (SELECT * FROM tokens UNION ALL SELECT * FROM registrations UNION ALL SELECT * FROM variables) d
            GROUP BY server_id, kind
            """).ToListAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var server in deleted.GroupBy(d => d.ServerId))
        {
            var details = server.ToDictionary(d => d.Kind + "Deleted", d => (string?)d.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            details["reason"] = appServers.All.Any(s => s.Id == server.Key)
                ? "the app-level server's configuration now sends credentials elsewhere"
                : "the server no longer exists";
            db.AuditLog.Add(AuditLog.RowOf(new AuditEvent("system", AuditActions.CredentialsPurged, AccessRole.ResourceType, server.Key.ToString(), details), now));
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return deleted.Sum(d => d.Count);
    }

    private sealed record PurgedRow(Guid ServerId, string Kind, int Count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} credentials of servers that no longer exist")]
    private static partial void Purged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not purge orphaned credentials: {Reason}")]
    private static partial void PurgeFailed(ILogger logger, string reason);
}
