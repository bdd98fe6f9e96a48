using System.Diagnostics.Metrics;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.BenchHost;

/// <summary>
/// Benchmark host only: the registry's cache lookups (<c>mcp.registry.cache.lookups</c>, tag <c>result</c> = hit|miss,
/// which Prometheus shows as <c>mcp_registry_cache_lookups_total</c>) counted in process, for <c>GET /bench/cache-lookups</c>.
/// A listener on this one instrument rather than the <c>/metrics</c> endpoint: exporting metrics would switch on the
/// request instrumentation the benchmark's API otherwise runs without (telemetry only when read, ADR 0035), and
/// every measured request would pay for it. <see cref="Present"/> is false while the application has no such counter.
/// </summary>
public sealed class RegistryCacheLookups : IDisposable
{
    public const string InstrumentName = "mcp.registry.cache.lookups";

    private readonly MeterListener _listener = new();
    private long _hits;
    private long _misses;
    private int _present;

    public RegistryCacheLookups()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PlatformTelemetry.Name && instrument.Name == InstrumentName)
            {
                Interlocked.Exchange(ref _present, 1);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => OnMeasurement(instrument, value, tags, state));
        _listener.Start();
    }

    public bool Present => Volatile.Read(ref _present) == 1;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag.Key != "result")
            {
                continue;
            }

            switch (tag.Value as string)
            {
                case "hit":
                    Interlocked.Add(ref _hits, value);
                    break;
                case "miss":
                    Interlocked.Add(ref _misses, value);
                    break;
            }
        }
    }
}
