using McpPlatform.Api.Commands;
using McpPlatform.Api.Hosting;

if (Commands.IsCommand(args))
{
    return await Commands.RunAsync(args);
}

var builder = PlatformApp.CreateBuilder(args);
var app = PlatformApp.Build(builder);

var migrate = app.Configuration.GetValue("Database:MigrateOnStartup", !app.Environment.IsProduction());
var seedDemo = app.Configuration.GetValue("Database:SeedDemo", app.Environment.IsDevelopment());
if (migrate || seedDemo)
{
    await using var scope = app.Services.CreateAsyncScope();
    var startup = scope.ServiceProvider.GetRequiredService<DatabaseStartup>();
    if (migrate)
    {
        await startup.MigrateAsync(CancellationToken.None);
    }

    if (seedDemo)
    {
        await startup.SeedDemoAsync(CancellationToken.None);
        Console.WriteLine("Development tokens (12 h) — paste one into Swagger UI's Authorize button:");
        foreach (var (caller, token) in startup.DemoTokens())
        {
            Console.WriteLine($"  {caller.UserId} ({caller.Role}): {token}");
        }
    }
}

await app.RunAsync();
return 0;

/// <summary>The entry point; public so that API tests can host it with WebApplicationFactory.</summary>
public partial class Program;
