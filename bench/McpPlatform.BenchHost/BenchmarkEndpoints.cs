using System.Collections.Concurrent;
using System.Text;

namespace McpPlatform.BenchHost;

/// <summary>
/// The benchmark's own routes (this host only; scripts/bench.sh drives them). The floor endpoint goes through the
/// same authentication and authorization as the API but does no other work: it returns a cached JSON payload of about
/// the requested size, so wrk against it measures Kestrel + JWT + writing the bytes: the floor for a response served
/// from memory, called with the mean size of the response it stands beside. The memory endpoint collects garbage
/// first, so what the connection scenario reads is what is held. The cache-lookups endpoint gives the registry's cache hits and misses so far
/// (<see cref="RegistryCacheLookups"/>), which the harness reads before and after each row.
/// </summary>
public static class BenchmarkEndpoints
{
    private const int MaxBytes = 64 * 1024 * 1024;
    private static readonly ConcurrentDictionary<int, byte[]> Payloads = new();
    private static readonly RegistryCacheLookups CacheLookups = new();

    public static IEndpointRouteBuilder MapBenchmarkEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/bench/floor", (int? bytes) =>
            {
                var size = Math.Clamp(bytes ?? 2048, 16, MaxBytes);
                return Results.Bytes(Payloads.GetOrAdd(size, Build), "application/json");
            })
            .RequireAuthorization()
            .ExcludeFromDescription();
        app.MapGet("/bench/cache-lookups", () => Results.Json(new { present = CacheLookups.Present, hits = CacheLookups.Hits, misses = CacheLookups.Misses }))
            .RequireAuthorization()
            .ExcludeFromDescription();
        app.MapGet("/bench/memory", () =>
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                using var process = System.Diagnostics.Process.GetCurrentProcess();
                return Results.Json(new { managedBytes = GC.GetTotalMemory(false), workingSetBytes = process.WorkingSet64, threads = process.Threads.Count });
            })
            .RequireAuthorization()
            .ExcludeFromDescription();
        return app;
    }

    // {"padding":"xxxx…"} of exactly `size` bytes.
    private static byte[] Build(int size)
    {
        const string head = "{\"padding\":\"";
        const string tail = "\"}";
        var fill = Math.Max(0, size - head.Length - tail.Length);
        return Encoding.UTF8.GetBytes(head + new string('x', fill) + tail);
    }
}
