using McpPlatform.Api.Hosting;

namespace McpPlatform.Api.Commands;

/// <summary>The API's application, built (not started) for a command that needs its services.</summary>
public static class CommandHost
{
    /// <summary>Runs <paramref name="command"/> in a service scope of the application as configured for this environment.</summary>
    public static async Task<int> RunAsync(Func<IServiceProvider, Task<int>> command)
    {
        await using var app = PlatformApp.Build(PlatformApp.CreateBuilder([], Console.Error.WriteLine));
        await using var scope = app.Services.CreateAsyncScope();
        return await command(scope.ServiceProvider);
    }
}
