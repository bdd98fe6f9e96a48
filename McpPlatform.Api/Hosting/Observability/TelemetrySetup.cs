using System.Security.Cryptography;
using System.Text;
using McpPlatform.Domain.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace McpPlatform.Api.Hosting.Observability;

/// <summary>Logs, metrics and traces from the <c>Telemetry</c> section, and the <c>/metrics</c> endpoint.</summary>
public static class TelemetrySetup
{
    /// <summary>
    /// Logging providers, Kestrel's listeners and the OpenTelemetry pipeline are set up before the container exists, so
    /// the section is bound and validated here, with the same defaults and validator as the
    /// <see cref="IOptions{TOptions}"/> the rest of the application reads it through.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859:Use concrete types when possible for improved performance", Justification = "Read once at start-up; any configuration will do.")]
    private static TelemetryOptions Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        ApplyDefaults(options, configuration, environment);
        var validation = new TelemetryOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TelemetryOptions), validation.Failures);
        }

        return options;
    }

    public static TelemetryOptions AddPlatformTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var environment = builder.Environment;
        builder.Services.AddOptions<TelemetryOptions>()
            .Bind(configuration.GetSection(TelemetryOptions.Section))
            .PostConfigure(options => ApplyDefaults(options, configuration, environment))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        var options = Read(configuration, environment);
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

        // Measurements and spans nobody reads are not collected: every request would pay for them
        // (docs/decisions/0035-telemetry-only-when-read.md).
        var otlp = options.OtlpEndpoint is { Length: > 0 } endpoint ? OtlpUri(endpoint) : null;
        if (options.MetricsMode == MetricsExposure.Off && otlp is null)
        {
            return options;
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

        return options;
    }

    private static Uri OtlpUri(string endpoint) => new(endpoint, UriKind.Absolute);

    /// <summary>Unset, <c>MetricsMode</c> is <c>Open</c> outside Production (a developer's or a test's instance).</summary>
    private static void ApplyDefaults(TelemetryOptions options, IConfiguration configuration, IHostEnvironment environment)
    {
        if (configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.MetricsMode)}"] is null && !environment.IsProduction())
        {
            options.MetricsMode = MetricsExposure.Open;
        }
    }

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
