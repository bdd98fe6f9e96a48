using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.RateLimiting;

/// <summary>Every limit of the <c>RateLimits</c> section is a positive number of requests per minute.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, value) in new (string, int)[]
        {
            (nameof(options.CreatePerMinute), options.CreatePerMinute), (nameof(options.ReinitializePerMinute), options.ReinitializePerMinute),
            (nameof(options.OAuthInitiatePerMinute), options.OAuthInitiatePerMinute), (nameof(options.ToolCallPerMinute), options.ToolCallPerMinute),
            (nameof(options.WritePerMinute), options.WritePerMinute), (nameof(options.OAuthCallbackPerMinute), options.OAuthCallbackPerMinute),
        })
        {
            if (value <= 0)
            {
                failures.Add($"{RateLimitOptions.Section}:{key} must be a positive number of requests per minute, not {value}.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
