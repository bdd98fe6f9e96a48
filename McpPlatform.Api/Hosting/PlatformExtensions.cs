namespace McpPlatform.Api.Hosting;

/// <summary>
/// What a host built on the platform adds to the very same application (the benchmark host under <c>bench/</c>
/// does; the API itself adds nothing). Each hook runs at one fixed place of <see cref="PlatformApp.Build"/>, so such a
/// host cannot reorder or drop anything the platform sets up.
/// </summary>
public sealed record PlatformExtensions
{
    /// <summary>Runs right after the infrastructure is registered and before the platform's own services, so it can
    /// decorate what the infrastructure registered (the outbound HTTP handler, for one).</summary>
    public Action<IServiceCollection, IConfiguration>? Services { get; init; }

    /// <summary>Runs first in the pipeline, before the exception handler, so it sees every request and response.</summary>
    public Action<IApplicationBuilder>? FirstMiddleware { get; init; }

    /// <summary>Maps further endpoints after the platform's own; they pass the same authentication and authorization
    /// middleware.</summary>
    public Action<IEndpointRouteBuilder>? Endpoints { get; init; }
}
