using McpPlatform.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace McpPlatform.Tests.Fixtures;

/// <summary>A database of its own, beside the run's, dropped at the end: for tests of migrations.</summary>
public sealed class FreshDatabase(string admin, string name) : IAsyncDisposable
{
    public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;

    public static async Task<FreshDatabase> CreateAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("MCP_TEST_PG_ADMIN")
            ?? Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
            ?? throw new InvalidOperationException("Run the tests with ./scripts/test.sh, which starts PostgreSQL.")) { Database = "postgres", Pooling = false }.ConnectionString;
        var name = $"mcp_fresh_{Guid.NewGuid():N}"[..30];
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        return new FreshDatabase(admin, name);
    }

    public PlatformDbContext Context(ILoggerFactory? loggers = null)
    {
        var options = new DbContextOptionsBuilder<PlatformDbContext>()
            .UseNpgsql(ConnectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
        if (loggers is not null)
        {
            options.UseLoggerFactory(loggers);
        }

        return new PlatformDbContext(options.Options);
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
