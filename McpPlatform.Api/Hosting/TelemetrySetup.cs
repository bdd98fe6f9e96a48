using System.Security.Cryptography;
using System.Text;
using McpPlatform.Domain.Telemetry;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace McpPlatform.Api.Hosting;

/// <summary>The <c>Telemetry</c> section.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary><c>Off</c>, <c>Open</c>, <c>Bearer</c> (needs <see cref="MetricsBearerToken"/>) or <c>Port</c> (served only on <see cref="MetricsPort"/>).</summary>
    public MetricsExposure MetricsMode { get; set; } = MetricsExposure.Off;

    public string? MetricsBearerToken { get; set; }

    public int MetricsPort { get; set; } = 9464;

    /// <summary>An OTLP collector (e.g. <c>http://otel-collector:4317</c>); metrics and traces are exported there when set.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>json</c> for structured JSON logs (with trace and span ids), else plain console lines.</summary>
    public string LogFormat { get; set; } = "plain";
}

public enum MetricsExposure
{
    Off,
    Open,
    Bearer,
    Port,
}

public static class TelemetrySetup
{
    public static TelemetryOptions Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.MetricsMode)}"] is null && !environment.IsProduction())
        {
            options.MetricsMode = MetricsExposure.Open;
        }

        if (options.MetricsMode == MetricsExposure.Bearer && string.IsNullOrEmpty(options.MetricsBearerToken))
        {
            throw new InvalidOperationException("Telemetry:MetricsBearerToken is required when Telemetry:MetricsMode is Bearer.");
        }

        return options;
    }

    public static void AddPlatformTelemetry(this WebApplicationBuilder builder, TelemetryOptions options)
    {
        builder.Logging.Configure(logging => logging.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (options.LogFormat.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(json => json.IncludeScopes = true);
        }

        if (options.MetricsMode == MetricsExposure.Port)
        {
            // Listening in code replaces Urls, so the API's own addresses are listened on explicitly as well.
            var urls = (builder.Configuration["Urls"] ?? "http://localhost:5080").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                foreach (var url in urls)
                {
                    var port = new Uri(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal)).Port;
                    if (url.Contains("://localhost", StringComparison.OrdinalIgnoreCase))
                    {
                        kestrel.ListenLocalhost(port);
                    }
                    else
                    {
                        kestrel.ListenAnyIP(port);
                    }
                }

                kestrel.ListenAnyIP(options.MetricsPort);
            });
        }

        // Measurements and spans nobody reads are not collected: every request would pay for them (tracing alone
        // recorded an activity per request and per database command, to be dropped for want of an exporter).
        var otlp = options.OtlpEndpoint is { Length: > 0 } endpoint ? OtlpUri(endpoint) : null;
        if (options.MetricsMode == MetricsExposure.Off && otlp is null)
        {
            return;
        }

        var otel = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("mcp-platform"));
        otel.WithMetrics(metrics =>
        {
            metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation()
                .AddMeter(PlatformTelemetry.Name).AddMeter("Npgsql");
            if (options.MetricsMode != MetricsExposure.Off)
            {
                // No scrape caching: every scrape shows the current values.
                metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            }

            if (otlp is not null)
            {
                metrics.AddOtlpExporter(exporter => exporter.Endpoint = otlp);
            }
        });
        if (otlp is not null)
        {
            otel.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsql().AddSource(PlatformTelemetry.Name)
                .AddOtlpExporter(exporter => exporter.Endpoint = otlp));
        }
    }

    private static Uri OtlpUri(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri : throw new InvalidOperationException($"Telemetry:OtlpEndpoint '{endpoint}' is not an absolute URL.");

    /// <summary><c>/metrics</c> as configured: not at all, open, behind a bearer secret, or only on its own port.</summary>
    public static void MapPlatformMetrics(this WebApplication app, TelemetryOptions options)
    {
        switch (options.MetricsMode)
        {
            case MetricsExposure.Off:
                return;
            case MetricsExposure.Bearer:
                var expected = Encoding.UTF8.GetBytes("Bearer " + options.MetricsBearerToken);
                app.UseWhen(context => context.Request.Path == "/metrics", branch => branch.Use(async (context, next) =>
                {
                    var given = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
                    if (!CryptographicOperations.FixedTimeEquals(given, expected))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return;
                    }

                    await next(context);
                }));
                app.MapPrometheusScrapingEndpoint("/metrics");
                return;
            case MetricsExposure.Port:
                app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{options.MetricsPort}");
                return;
            default:
                app.MapPrometheusScrapingEndpoint("/metrics");
                return;
        }
    }
}
