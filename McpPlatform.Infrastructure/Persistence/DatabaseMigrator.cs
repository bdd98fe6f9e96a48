using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;

namespace McpPlatform.Infrastructure.Persistence;

/// <summary>Brings the database schema up to date: the <c>migrate</c> command, and start-up where it migrates
/// (<c>Database:MigrateOnStartup</c>).</summary>
public sealed partial class DatabaseMigrator(PlatformDbContext db, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if ((await db.Database.GetAppliedMigrationsAsync(ct)).Any())
        {
            await MigrateAsync(db, ct);
        }
        else
        {
            // A database without the schema. EF warns about every migration with steps outside a transaction
            // (AclSearchTextIndex fills and re-indexes acl_entries that way, so that a large installation is never
            // locked): interrupted, such a step would leave the data half-migrated. Here there is no data yet, and each
            // of those steps can run again; the warning stays for databases that have data (docs/decisions/0036-quiet-first-migration.md).
            await using var empty = new PlatformDbContext(new DbContextOptionsBuilder<PlatformDbContext>((DbContextOptions<PlatformDbContext>)db.GetService<IDbContextOptions>())
                .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning))
                .Options);
            await MigrateAsync(empty, ct);
        }

        SchemaCurrent(logger, pending.Count);
    }

    private static async Task MigrateAsync(PlatformDbContext context, CancellationToken ct)
    {
        // A migration may rewrite a large table (AclSearchTextIndex: every ACL entry, about five minutes at 4M
        // entries); the per-command timeout of requests must not cut it off halfway.
        context.Database.SetCommandTimeout(0); // no limit
        await context.Database.MigrateAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current ({Count} migrations applied now)")]
    private static partial void SchemaCurrent(ILogger logger, int count);
}
