using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Servers;
using Microsoft.Extensions.Options;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>Every <c>Mcp</c> connection value that would make connections misbehave, named by its configuration key.
/// The circuit breaker's and timeouts' bounds are Polly's (docs/decisions/0010).</summary>
public sealed class ConnectionOptionsValidator : IValidateOptions<ConnectionOptions>
{
    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, ConnectionOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<string> Problems(ConnectionOptions o)
    {
        foreach (var (key, value) in new (string, TimeSpan)[]
        {
            (nameof(o.ConnectTimeout), o.ConnectTimeout), (nameof(o.ToolCallTimeout), o.ToolCallTimeout), (nameof(o.CircuitBreakerCooldown), o.CircuitBreakerCooldown),
            (nameof(o.UserConnectionIdleTimeout), o.UserConnectionIdleTimeout), (nameof(o.ToolListTimeout), o.ToolListTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{Key(key)} must be a positive duration (hh:mm:ss), not {value}.";
            }
        }

        if (o.CircuitBreakerCooldown > TimeSpan.Zero && (o.CircuitBreakerCooldown < TimeSpan.FromMilliseconds(500) || o.CircuitBreakerCooldown > OneDay))
        {
            yield return $"{Key(nameof(o.CircuitBreakerCooldown))} must be between 00:00:00.5 and 1.00:00:00, not {o.CircuitBreakerCooldown}.";
        }

        if (o.ToolCallTimeout > TimeSpan.Zero && (o.ToolCallTimeout < TimeSpan.FromMilliseconds(10) || o.ToolCallTimeout > OneDay))
        {
            yield return $"{Key(nameof(o.ToolCallTimeout))} must be between 00:00:00.01 and 1.00:00:00, not {o.ToolCallTimeout}.";
        }

        if (o.RetryBackoff < TimeSpan.Zero || o.RetryBackoff > OneDay)
        {
            yield return $"{Key(nameof(o.RetryBackoff))} must not be negative or longer than a day, not {o.RetryBackoff}.";
        }

        foreach (var (key, value) in new (string, long)[]
        {
            (nameof(o.ConnectAttempts), o.ConnectAttempts), (nameof(o.MaxConnectionsPerUser), o.MaxConnectionsPerUser),
            (nameof(o.ToolListMaxPages), o.ToolListMaxPages), (nameof(o.ToolListMaxTools), o.ToolListMaxTools), (nameof(o.ToolListMaxBytes), o.ToolListMaxBytes),
            (nameof(o.ToolResultMaxBytes), o.ToolResultMaxBytes), (nameof(o.MaxMessageBytes), o.MaxMessageBytes),
        })
        {
            if (value <= 0)
            {
                yield return $"{Key(key)} must be positive, not {value}.";
            }
        }

        if (o.CircuitBreakerFailures < 2)
        {
            yield return $"{Key(nameof(o.CircuitBreakerFailures))} must be at least 2, not {o.CircuitBreakerFailures}.";
        }
    }

    private static string Key(string property) => $"{McpOptions.Section}:{property}";
}
