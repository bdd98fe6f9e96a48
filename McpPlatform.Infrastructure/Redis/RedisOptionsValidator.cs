using Microsoft.Extensions.Options;

namespace McpPlatform.Infrastructure.Redis;

/// <summary>The <c>Redis</c> values Polly would refuse or that would make the breaker useless, named by their key.</summary>
public sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<string> Problems(RedisOptions o)
    {
        // Polly's own bounds: timeout 10 ms..1 day, break duration 0.5 s..1 day, sampling duration 0.5 s..1 day.
        if (o.CommandTimeout < TimeSpan.FromMilliseconds(10) || o.CommandTimeout > TimeSpan.FromMinutes(1))
        {
            yield return $"{Key(nameof(o.CommandTimeout))} must be between 00:00:00.01 and 00:01:00, not {o.CommandTimeout}.";
        }

        if (o.BreakDuration < TimeSpan.FromMilliseconds(500) || o.BreakDuration > TimeSpan.FromHours(1))
        {
            yield return $"{Key(nameof(o.BreakDuration))} must be between 00:00:00.5 and 01:00:00, not {o.BreakDuration}.";
        }

        if (o.SamplingDuration < TimeSpan.FromMilliseconds(500) || o.SamplingDuration > TimeSpan.FromHours(1))
        {
            yield return $"{Key(nameof(o.SamplingDuration))} must be between 00:00:00.5 and 01:00:00, not {o.SamplingDuration}.";
        }

        if (o.BreakAfterFailures < 2 || o.BreakAfterFailures > 1000)
        {
            yield return $"{Key(nameof(o.BreakAfterFailures))} must be between 2 and 1000, not {o.BreakAfterFailures}.";
        }
    }

    private static string Key(string property) => $"{RedisOptions.Section}:{property}";
}
