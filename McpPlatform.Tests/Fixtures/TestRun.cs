using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests;

/// <summary>Once per run: a fresh database, migrated through the application's own migrations, and one API host.</summary>
[SetUpFixture]
public sealed class TestRun
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, ApiFactory> Hosts = [];
    private static bool _databaseReady;

    /// <summary>The default API host (private networks refused), started with the database on first use, so unit
    /// tests run without PostgreSQL.</summary>
    public static Task<ApiFactory> StartApiAsync() => StartAsync("default", new Dictionary<string, string>());

    /// <summary>A second host over the same database for tests against real MCP servers on loopback: the name
    /// <c>localhost</c> is an allowed outbound host (the address 127.0.0.1 still is not) and timers are short.</summary>
    public static Task<ApiFactory> StartConnectionsApiAsync(IReadOnlyDictionary<string, string> settings) => StartAsync("connections", settings);

    /// <summary>A host with tiny rate limits (3 a minute), for the 429 tests.</summary>
    public static Task<ApiFactory> StartRateLimitedApiAsync() => StartAsync("rate-limited", new Dictionary<string, string>
    {
        ["RateLimits:CreatePerMinute"] = "3",
        ["RateLimits:ReinitializePerMinute"] = "3",
        ["RateLimits:OAuthInitiatePerMinute"] = "3",
        ["RateLimits:ToolCallPerMinute"] = "3",
        ["RateLimits:WritePerMinute"] = "3",
        ["RateLimits:OAuthCallbackPerMinute"] = "3",
    });

    /// <summary>A host for the hostile corpora (<c>HostileInputTests</c>, <c>OpenApiFuzzTests</c>): their thousands of
    /// requests a minute from the same few callers must reach validation rather than a 429, so the rate limits are out
    /// of reach. The servers they name point at a closed port on loopback, allowed here so that a connect is refused at
    /// once (no name to resolve, no address that never answers); timers are short besides.</summary>
    public static Task<ApiFactory> StartHostileApiAsync() => StartAsync("hostile", new Dictionary<string, string>
    {
        ["RateLimits:ReinitializePerMinute"] = "100000",
        ["RateLimits:OAuthInitiatePerMinute"] = "100000",
        ["RateLimits:ToolCallPerMinute"] = "100000",
        ["RateLimits:WritePerMinute"] = "100000",
        ["RateLimits:OAuthCallbackPerMinute"] = "100000",
        ["Mcp:ConnectTimeout"] = "00:00:02",
        ["Mcp:ToolCallTimeout"] = "00:00:02",
        ["Mcp:ToolListTimeout"] = "00:00:02",
        ["Security:AllowedOutboundHosts:0"] = "127.0.0.1:1",
    });

    /// <summary>A connections host with short timers and a breaker that opens after two failures, for the tests
    /// against MCP servers that hang, drop connections or answer garbage.</summary>
    public static Task<ApiFactory> StartFaultsApiAsync() => StartAsync("faults", new Dictionary<string, string>(ConnectionsHost.Settings())
    {
        ["Mcp:ConnectTimeout"] = "00:00:02",
        ["Mcp:ToolCallTimeout"] = "00:00:02",
        ["Mcp:ToolListTimeout"] = "00:00:02",
        ["Mcp:CircuitBreakerFailures"] = "2",
        ["Mcp:CircuitBreakerCooldown"] = "00:00:03",
    });

    /// <summary>After PostgreSQL restarted: every running host drops its pooled connections, which died with the server
    /// (each would otherwise fail the first request that draws it, in whichever test comes next).</summary>
    public static async Task ClearDatabasePoolsAsync()
    {
        await Gate.WaitAsync();
        try
        {
            foreach (var host in Hosts.Values)
            {
                host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().Clear();
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<ApiFactory> StartAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        await Gate.WaitAsync();
        try
        {
            if (Hosts.TryGetValue(name, out var running))
            {
                return running;
            }

            if (!_databaseReady)
            {
                await TestDatabase.CreateAsync();
                ApiFactory.ConfigureEnvironment();
                _databaseReady = true;
            }

            var factory = new ApiFactory(settings);
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<McpPlatform.Infrastructure.Persistence.DatabaseMigrator>().MigrateAsync(CancellationToken.None);
            }

            Hosts[name] = factory;
            return factory;
        }
        finally
        {
            Gate.Release();
        }
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        foreach (var host in Hosts.Values)
        {
            await host.DisposeAsync();
        }

        await TestDatabase.DropAsync();
        RunArtifacts.Flush();
    }
}
