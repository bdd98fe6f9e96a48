using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>
/// Moving a revision (<see cref="Entities.RevisionRow"/>) inside a change's transaction, as its last statement: the
/// change and the move commit together or not at all, so no instance can miss it, and the row lock that orders
/// concurrent changes of one scope is held only until the commit that follows.
/// </summary>
public static class Revisions
{
    /// <summary>Past its value, and never below the clock in microseconds: a database restored from a backup cannot
    /// bring a revision back to a value at which some instance still keeps older reads.</summary>
    public static async Task MoveAsync(PlatformDbContext db, string scope, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A revision moves only inside the transaction of the change it covers.");
        }

        await db.Database.ExecuteSqlAsync(
            $"UPDATE revisions SET value = greatest(value + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) WHERE scope = {scope}", ct);
    }
}
