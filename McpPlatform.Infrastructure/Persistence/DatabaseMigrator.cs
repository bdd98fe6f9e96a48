using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace McpPlatform.Infrastructure.Persistence;

/// <summary>Brings the database schema up to date: the <c>migrate</c> command, and start-up where it migrates.</summary>
public sealed class DatabaseMigrator(PlatformDbContext db, ILogger<DatabaseMigrator> logger)
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
