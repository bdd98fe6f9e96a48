using McpPlatform.Infrastructure.Persistence;
using McpPlatform.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace McpPlatform.Tests.Integration;

/// <summary>The start-up migration: quiet on an empty database, and still warning where a migration's steps outside a
/// transaction meet a database that has data.</summary>
public sealed class DatabaseStartupTests
{
    [Test]
    public async Task MigratingAnEmptyDatabase_WarnsAboutNothing()
    {
        await using var database = await FreshDatabase.CreateAsync();
        var logs = new LogCapture();
        await using (var context = database.Context(Loggers(logs)))
        {
            await new DatabaseMigrator(context, Logger(logs)).MigrateAsync(CancellationToken.None);
            Assert.That(await context.Database.GetPendingMigrationsAsync(), Is.Empty);
        }

        Assert.That(logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task MigratingADatabaseWithTheSchema_KeepsEfsWarningAboutStepsOutsideATransaction()
    {
        await using var database = await FreshDatabase.CreateAsync();
        var logs = new LogCapture();
        await using (var context = database.Context(Loggers(logs)))
        {
            // The release before the migration whose steps run outside a transaction.
            await context.GetService<IMigrator>().MigrateAsync("20261203035001_AclSearchText");
            await new DatabaseMigrator(context, Logger(logs)).MigrateAsync(CancellationToken.None);
            Assert.That(await context.Database.GetPendingMigrationsAsync(), Is.Empty);
        }

        Assert.That(logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal)), Has.Some.Contains("AclSearchTextIndex").And.Contain("cannot be executed in a transaction"));
    }

    private static ILogger<DatabaseMigrator> Logger(LogCapture logs) => Loggers(logs).CreateLogger<DatabaseMigrator>();

    /// <summary>Log levels as the API's appsettings.json sets them (it silences EF's failed-command records, e.g. of the
    /// probe for the migrations history table of an empty database, which the exception, if any, reports).</summary>
    private static ILoggerFactory Loggers(LogCapture logs)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "McpPlatform.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("No McpPlatform.sln above the test assembly.");
        }

        var settings = new ConfigurationBuilder().AddJsonFile(Path.Combine(root.FullName, "McpPlatform.Api", "appsettings.json")).Build();
        return LoggerFactory.Create(b => b.AddConfiguration(settings.GetSection("Logging")).AddProvider(logs));
    }
}
