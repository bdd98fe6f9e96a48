using System.Diagnostics;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>A client span for one Redis operation (there is no Redis instrumentation package to do it).</summary>
internal static class RedisTrace
{
    public static Activity? Start(string operation) =>
        PlatformTelemetry.Activities.StartActivity($"redis {operation}", ActivityKind.Client)?.SetTag("db.system", "redis");
}
