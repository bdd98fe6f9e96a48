namespace McpPlatform.Infrastructure.Redis;

/// <summary>How long a Redis command may take and how the breaker in front of Redis behaves (<see cref="RedisCircuit"/>).</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>One Redis command (or one pipelined batch); beyond it the caller is told Redis is unavailable.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many failed or timed-out commands, being at least half of those in <see cref="SamplingDuration"/>, open the circuit.</summary>
    public int BreakAfterFailures { get; set; } = 5;

    /// <summary>The window the failures are counted in.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open circuit refuses commands at once; then one command probes Redis.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
