using McpPlatform.Api.Hosting;

namespace McpPlatform.BenchHost;

/// <summary>
/// The entry point of the benchmark host: the API's own start-up and commands (<see cref="PlatformProgram"/>), with
/// the benchmark's additions. A named class rather than top-level statements, so that a project referencing both this
/// host and the API sees one <c>Program</c>.
/// </summary>
public sealed class BenchProgram
{
    private BenchProgram()
    {
    }

    public static Task<int> Main(string[] args) => PlatformProgram.RunAsync(args, Additions);

    /// <summary>What the benchmark adds to the application: timed outbound calls, the header, the routes.</summary>
    public static PlatformExtensions Additions { get; } = new()
    {
        Services = (services, _) => services.AddUpstreamTiming(),
        FirstMiddleware = app => app.UseUpstreamTiming(),
        Endpoints = endpoints => endpoints.MapBenchmarkEndpoints(),
    };
}
