using McpPlatform.Infrastructure.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace McpPlatform.Api.Hosting.Health;

/// <summary>Redis down → Degraded (200): reads still work, and taking every instance out of rotation would be worse.
/// While the circuit in front of Redis is open (or a probe is under way) it is Degraded without asking Redis, so a
/// readiness probe never waits on it; otherwise a PING through the circuit answers, and counts like any command.</summary>
public sealed class RedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IConnectionMultiplexer>() is not { } redis)
        {
            return HealthCheckResult.Healthy("Redis is not configured; flow state and caches are in memory");
        }

        var circuit = services.GetRequiredService<RedisCircuit>();
        if (circuit.IsOpen)
        {
            return HealthCheckResult.Degraded("Redis is unreachable (circuit open)");
        }

        try
        {
            await circuit.RunAsync(() => redis.GetDatabase().PingAsync(), cancellationToken);
            return HealthCheckResult.Healthy("Redis answers");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis is unreachable");
        }
    }
}
