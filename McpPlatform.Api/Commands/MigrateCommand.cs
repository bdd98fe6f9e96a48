using McpPlatform.Infrastructure.Persistence;

namespace McpPlatform.Api.Commands;

/// <summary><c>migrate</c>: applies the database migrations and exits (production rollouts).</summary>
public static class MigrateCommand
{
    public static Task<int> RunAsync() => CommandHost.RunAsync(async services =>
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        Console.WriteLine("Migrations applied.");
        return 0;
    });
}
