namespace McpPlatform.Api.Hosting.Observability;

/// <summary>The <c>Telemetry</c> section.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary><c>Off</c>, <c>Open</c>, <c>Bearer</c> (needs <see cref="MetricsBearerToken"/>) or <c>Port</c> (served only
    /// on <see cref="MetricsPort"/>). Unset: <c>Off</c> in Production, <c>Open</c> elsewhere.</summary>
    public MetricsExposure MetricsMode { get; set; } = MetricsExposure.Off;

    public string? MetricsBearerToken { get; set; }

    public int MetricsPort { get; set; } = 9464;

    /// <summary>An OTLP collector (e.g. <c>http://otel-collector:4317</c>); metrics and traces are exported there when set.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>json</c> for structured JSON logs (with trace and span ids), else plain console lines.</summary>
    public string LogFormat { get; set; } = "plain";
}
