namespace McpPlatform.Api.Hosting.Observability;

/// <summary>How <c>/metrics</c> is served (<c>Telemetry:MetricsMode</c>).</summary>
public enum MetricsExposure
{
    Off,
    Open,
    Bearer,
    Port,
}
