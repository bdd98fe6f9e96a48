using McpPlatform.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Api.Hosting.Database;

/// <summary>Applies the pending migrations (at start-up when <c>Database:MigrateOnStartup</c> says so, and for the
/// <c>migrate</c> command).</summary>
public sealed class DatabaseStartup(PlatformDbContext db, ILogger<DatabaseStartup> logger)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        // A migration may rewrite a large table (AclSearchTextIndex: every ACL entry, about five minutes at 4M entries); the
        // per-command timeout of requests must not cut it off halfway.
        db.Database.SetCommandTimeout(0); // no limit
        await db.Database.MigrateAsync(ct);
        logger.LogInformation("Database schema is current ({Count} migrations applied now)", pending.Count);
    }
}
