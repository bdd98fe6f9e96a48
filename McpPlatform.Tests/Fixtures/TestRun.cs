using McpPlatform.Api.Hosting;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests;

/// <summary>Once per run: a fresh database, migrated through the application's own migrations, and one API host.</summary>
[SetUpFixture]
public sealed class TestRun
{
    private static ApiFactory? _api;

    public static ApiFactory Api => _api ?? throw new InvalidOperationException("The API host starts only for tests that need a database.");

    /// <summary>Starts the database and API host on first use, so unit tests run without PostgreSQL.</summary>
    public static async Task<ApiFactory> StartApiAsync()
    {
        if (_api is not null)
        {
            return _api;
        }

        await TestDatabase.CreateAsync();
        ApiFactory.ConfigureEnvironment();
        var factory = new ApiFactory();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseStartup>().MigrateAsync(CancellationToken.None);
        }

        _api = factory;
        return factory;
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        await TestDatabase.DropAsync();
    }
}
