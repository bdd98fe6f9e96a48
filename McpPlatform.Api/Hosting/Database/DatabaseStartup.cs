using McpPlatform.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace McpPlatform.Api.Hosting.Database;

/// <summary>Applies the pending migrations (at start-up when <c>Database:MigrateOnStartup</c> says so, and for the
/// <c>migrate</c> command).</summary>
public sealed class DatabaseStartup(PlatformDbContext db, ILogger<DatabaseStartup> logger)
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

        logger.LogInformation("Database schema is current ({Count} migrations applied now)", pending.Count);
    }

    private static async Task MigrateAsync(PlatformDbContext context, CancellationToken ct)
    {
        // A migration may rewrite a large table; the per-command timeout of requests must not cut it off halfway.
        context.Database.SetCommandTimeout(0); // no limit
        await context.Database.MigrateAsync(ct);
    }
}
