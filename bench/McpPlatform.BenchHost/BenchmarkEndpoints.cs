using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using McpPlatform.Api.Auth;
using McpPlatform.Domain.Access;
using McpPlatform.Infrastructure.Persistence.Sql;
using Npgsql;

namespace McpPlatform.BenchHost;

/// <summary>
/// The benchmark's own routes (this host only; scripts/bench.sh drives them). The floor endpoint goes through the
/// same authentication and authorization as the API but does no other work: it returns a cached JSON payload of the
/// requested size, so wrk against it measures Kestrel + JWT + writing the bytes — the floor of a row served from
/// memory, called with the mean size of that row's responses. The cache-lookups endpoint gives the registry's cache
/// hits and misses so far (<see cref="RegistryCacheLookups"/>), read before and after each row. The memory endpoint
/// collects garbage first, so what the connection scenario reads is what is held. The flat endpoint (get by name on
/// raw Npgsql) is no longer a floor of any row: it ran SQL where the row it stood beside was served from memory.
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
        // The flat reference for GET /api/mcp/servers/{name}: Kestrel + JWT + the repository's per-caller statement on
        // the shared data source, the access rule, and the row written out as it comes — no MVC, no EF, no snapshot
        // (what serving the endpoint from the database each time would cost at best). The statement returns the row
        // with whatever bits the caller holds, none included: as on the real endpoint, only a caller who may VIEW the
        // server (or an admin) reads it; anyone else gets the 404 of a server that does not exist, where the real
        // endpoint answers 403 (a reference endpoint need not say more than a missing server would).
        app.MapGet("/bench/flat/{name}", async (string name, HttpContext context, NpgsqlDataSource dataSource, CancellationToken ct) =>
            {
                var caller = context.GetCaller();
                var principals = caller.Principals;
                await using var command = dataSource.CreateCommand(SqlStatements.FindServerByName);
                command.Parameters.Add(new NpgsqlParameter { Value = name });
                command.Parameters.Add(new NpgsqlParameter { Value = principals.Select(p => p.WireType).ToArray() });
                command.Parameters.Add(new NpgsqlParameter { Value = principals.Select(p => p.Id).ToArray() });
                await using var reader = await command.ExecuteReaderAsync(ct);
                // Read by position, as cheaply as a reference can (the statement's columns: id, server_name, config, …, perm_bits).
                if (!await reader.ReadAsync(ct) || !AccessPolicy.Allows(caller.IsAdmin, (PermissionBits)reader.GetInt32(8), PermissionBits.View))
                {
                    return Results.NotFound();
                }

                var row = $"{{\"id\":\"{reader.GetGuid(0)}\",\"serverName\":{JsonSerializer.Serialize(reader.GetString(1))},\"config\":{reader.GetString(2)},\"permissions\":{reader.GetInt32(8)}}}";
                return Results.Text(row, "application/json");
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
