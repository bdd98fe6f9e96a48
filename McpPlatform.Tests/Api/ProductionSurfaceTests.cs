using System.Net;
using McpPlatform.BenchHost;
using McpPlatform.Domain.Access;
using McpPlatform.Infrastructure.Persistence.Repositories;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Api;

/// <summary>
/// The production application serves no benchmark routes and adds no timing header whatever its configuration: the
/// switch that used to turn them on (<c>Benchmark:Enabled</c>) is set here, as setting and as environment variable,
/// and must change nothing. The benchmark lives in its own host (bench/McpPlatform.BenchHost).
/// </summary>
[NonParallelizable]
public sealed class ProductionSurfaceTests : ApiTest
{
    private static ApiFactory? _host;

    // A host of its own: the variable is read when the builder is created, so it is set only while this one is built.
    protected override async Task<ApiFactory> StartHostAsync()
    {
        if (_host is not null)
        {
            return _host;
        }

        _ = await TestRun.StartApiAsync();   // the database and the environment every host shares
        var previous = Environment.GetEnvironmentVariable("Benchmark__Enabled");
        Environment.SetEnvironmentVariable("Benchmark__Enabled", "true");
        try
        {
            var host = new ApiFactory(new Dictionary<string, string> { ["Benchmark:Enabled"] = "true" });
            _ = host.Services;
            _host = host;
        }
        finally
        {
            Environment.SetEnvironmentVariable("Benchmark__Enabled", previous);
        }

        return _host;
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }
    }

    [TestCase("/bench/floor")]
    [TestCase("/bench/floor?bytes=64")]
    [TestCase("/bench/flat/x")]
    [TestCase("/bench/memory")]
    public async Task BenchmarkRoutes_Are404_WithAValidToken(string path)
    {
        foreach (var caller in new[] { Alice, Admin })
        {
            using var response = await As(caller).GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{caller.UserId}: GET {path}");
            Assert.That(response.Headers.Contains("Server-Timing"), Is.False, $"{caller.UserId}: GET {path}");
        }
    }

    [Test]
    public async Task FlatReference_OfAServerTheCallerMayView_Is404()
    {
        var created = await CreateServerAsync(Alice, new { type = "sse", url = "https://flat.example.com/sse", title = "Flat" });
        using var response = await As(Alice).GetAsync("/bench/flat/" + created["serverName"]!.GetValue<string>());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("/api/mcp/servers")]
    [TestCase("/api/roles/USER")]
    [TestCase("/health/live")]
    public async Task Responses_CarryNoServerTiming(string path)
    {
        using var response = await As(Alice).GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        Assert.That(response.Headers.Contains("Server-Timing"), Is.False, path);
    }

    [Test]
    public void ProductionAssemblies_DoNotReferenceTheBenchHost()
    {
        var benchHost = typeof(BenchProgram).Assembly.GetName().Name;
        foreach (var assembly in new[] { typeof(Program).Assembly, typeof(PermissionBits).Assembly, typeof(ServerRepository).Assembly })
        {
            Assert.That(assembly.GetReferencedAssemblies().Select(a => a.Name), Has.None.EqualTo(benchHost), assembly.GetName().Name);
        }
    }
}
