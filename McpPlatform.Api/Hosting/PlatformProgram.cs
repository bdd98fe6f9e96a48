using McpPlatform.Api.Hosting.Database;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting;

/// <summary>
/// What the executable does with its arguments: an admin command, or the application, after the start-up migration
/// and demo seed its configuration asks for. The API's entry point runs it as it is; a host that extends the
/// application (the benchmark host under <c>bench/</c>) runs it with its <see cref="PlatformExtensions"/>, so both start
/// the same way and accept the same commands.
/// </summary>
public static class PlatformProgram
{
    public static async Task<int> RunAsync(string[] args, PlatformExtensions? extensions = null)
    {
        if (Commands.AdminCommands.IsCommand(args))
        {
            return await Commands.AdminCommands.RunAsync(args);
        }

        var app = PlatformApp.Build(PlatformApp.CreateBuilder(args), extensions);
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (database.MigrateOnStartup == true || database.SeedDemo == true)
        {
            await using var scope = app.Services.CreateAsyncScope();
            if (database.MigrateOnStartup == true)
            {
                await scope.ServiceProvider.GetRequiredService<Infrastructure.Persistence.DatabaseMigrator>().MigrateAsync(CancellationToken.None);
            }

            if (database.SeedDemo == true)
            {
                var demo = scope.ServiceProvider.GetRequiredService<DemoSeed>();
                await demo.SeedAsync(CancellationToken.None);
                Console.WriteLine("Development tokens (12 h) — paste one into Swagger UI's Authorize button:");
                foreach (var (caller, token) in demo.Tokens())
                {
                    Console.WriteLine($"  {caller.UserId} ({caller.Role}): {token}");
                }
            }
        }

        await app.RunAsync();
        return 0;
    }
}
