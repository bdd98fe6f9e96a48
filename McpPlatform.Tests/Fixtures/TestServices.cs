using System.Diagnostics;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// Stops and starts the PostgreSQL and Redis that ./scripts/test.sh started, through the same functions of
/// <c>scripts/lib/services.sh</c> (it exports where they live: <c>MCP_TEST_PG_DATA</c>/<c>_PORT</c>,
/// <c>MCP_TEST_REDIS_DIR</c>/<c>_PORT</c>). For the outage tests.
/// </summary>
public static class TestServices
{
    private static string? PgData => Environment.GetEnvironmentVariable("MCP_TEST_PG_DATA");
    private static string? PgPort => Environment.GetEnvironmentVariable("MCP_TEST_PG_PORT");
    private static string? RedisDir => Environment.GetEnvironmentVariable("MCP_TEST_REDIS_DIR");
    private static string? RedisPort => Environment.GetEnvironmentVariable("MCP_TEST_REDIS_PORT");

    public static bool CanRestartPostgres => PgData is not null && PgPort is not null;

    public static bool CanRestartRedis => RedisDir is not null && RedisPort is not null;

    public static Task StopPostgresAsync() => RunAsync("stop_postgres \"$1\"", PgData!);

    public static Task StartPostgresAsync() => RunAsync("PG_FAST=1 start_postgres \"$1\" \"$2\"", PgData!, PgPort!);

    public static Task StopRedisAsync() => RunAsync("stop_redis \"$1\"", RedisDir!);

    public static Task StartRedisAsync() => RunAsync("start_redis \"$1\" \"$2\"", RedisDir!, RedisPort!);

    private static async Task RunAsync(string script, params string[] args)
    {
        var services = Path.Combine(NodePeer.TestProjectDir, "..", "scripts", "lib", "services.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-c", $"source \"$0\" && {script}", services, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"{script}: {await output}{await errors}");
    }
}
