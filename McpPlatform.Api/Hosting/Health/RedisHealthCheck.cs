using McpPlatform.Infrastructure.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace McpPlatform.Api.Hosting.Health;

/// <summary>Redis down → Degraded (200): reads still work, and taking every instance out of rotation would be worse.
/// While the circuit in front of Redis is open it is Degraded without asking Redis; otherwise a PING through the
/// circuit answers (and, when the circuit is half-open, may be the probe that closes it).</summary>
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
