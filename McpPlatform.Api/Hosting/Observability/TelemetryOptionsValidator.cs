using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.Observability;

/// <summary>The <c>Telemetry</c> section: <c>Bearer</c> mode needs its token; a collector is an absolute URL.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.MetricsMode == MetricsExposure.Bearer && string.IsNullOrEmpty(options.MetricsBearerToken))
        {
            failures.Add("Telemetry:MetricsBearerToken is required when Telemetry:MetricsMode is Bearer.");
        }

        if (options.OtlpEndpoint is { Length: > 0 } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            failures.Add($"Telemetry:OtlpEndpoint '{endpoint}' is not an absolute URL.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
