using System.Collections.Concurrent;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// Reads of the registry (servers, who may see them, their client registrations) served from memory while no change
/// touched what they cover. Every registry change moves the registry revision and logs the scopes it touched in its own
/// transaction (<see cref="IChangeRevisions"/>, <see cref="RegistryChangeLog"/>): a value is served again only while
/// none of its scopes changed since it was read, so a read that starts after a change was answered, on any instance,
/// never serves what was kept from before it, and a write elsewhere leaves it alone. A miss is read once per key:
/// callers that miss meanwhile wait for that read, when it started at or after their own revision.
/// </summary>
public sealed class RegistrySnapshots(IChangeRevisions revisions, IRevisionedCache cache, McpRegistryOptions options)
{
    private readonly ConcurrentDictionary<string, Flight> _flights = new(StringComparer.Ordinal);

    public RegistrySnapshots(IChangeRevisions revisions, IRevisionedCache cache)
        : this(revisions, cache, new McpRegistryOptions())
    {
    }

    /// <summary>The value kept under <paramref name="key"/> if none of <paramref name="scopes"/> changed since it was
    /// read, else <paramref name="read"/>'s, kept (if not null) with its estimated <paramref name="bytes"/>.</summary>
    public async Task<T?> ReadAsync<T>(
        string kind, string key, IReadOnlyList<string> scopes, Func<CancellationToken, Task<T?>> read, Func<T, long> bytes, CancellationToken ct)
        where T : class =>
        options.CacheReads ? await ReadAsync(await RevisionsAsync(ct), kind, key, scopes, read, bytes, ct) : await read(ct);

    /// <summary>The revisions as of now, for several reads of one operation (<see cref="ReadAsync{T}(ChangeRevisions, string, string, IReadOnlyList{string}, Func{CancellationToken, Task{T}}, Func{T, long}, CancellationToken)"/>):
    /// one read of them instead of one per value.</summary>
    public Task<ChangeRevisions> RevisionsAsync(CancellationToken ct) => revisions.ReadAsync(ct);

    /// <summary>As above, at revisions read by the caller after its operation began and before any write of its own.</summary>
    public async Task<T?> ReadAsync<T>(
        ChangeRevisions now, string kind, string key, IReadOnlyList<string> scopes, Func<CancellationToken, Task<T?>> read, Func<T, long> bytes, CancellationToken ct)
        where T : class
    {
        if (!options.CacheReads)
        {
            return await read(ct);
        }

        // The revisions were read before the value: a change made while the value is read moves them away from the
        // revision kept with the value, which is then read again next time rather than kept stale.
        if (cache.TryGet(key, out T kept, out var keptAt) && now.StillCurrent(keptAt, scopes))
        {
            PlatformTelemetry.RegistryCacheLookups.Add(1, PlatformTelemetry.Tag("result", "hit"), PlatformTelemetry.Tag("kind", kind));
            return kept;
        }

        return (T?)await ReadOnceAsync(kind, key, now.Registry, async c => await read(c), value => bytes((T)value), ct);
    }

    /// <summary>The same key for the same set of principals in any order; each id is length-prefixed, so that no id
    /// can pose as two principals.</summary>
    public static string KeyOf(IReadOnlyList<PrincipalKey> principals) =>
        string.Join('|', principals.Select(p => $"{p.WireType}:{p.Id.Length}:{p.Id}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>The scopes of a value read for <paramref name="principals"/>: each one's lists.</summary>
    public static IReadOnlyList<string> ScopesOf(IEnumerable<PrincipalKey> principals) =>
        [.. principals.Select(RegistryScopes.Principal).Distinct(StringComparer.Ordinal)];

    private async Task<object?> ReadOnceAsync(string kind, string key, long revision, Func<CancellationToken, Task<object?>> read, Func<object, long> bytes, CancellationToken ct)
    {
        while (true)
        {
            // A read in flight that started at or after this caller's revision sees everything this caller must see.
            if (_flights.TryGetValue(key, out var running) && running.Revision >= revision)
            {
                PlatformTelemetry.RegistryCacheLookups.Add(1, PlatformTelemetry.Tag("result", "joined"), PlatformTelemetry.Tag("kind", kind));
                return await running.Value.Task.WaitAsync(ct);
            }

            var mine = new Flight(revision, new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously));
            if (running is null ? !_flights.TryAdd(key, mine) : !_flights.TryUpdate(key, mine, running))
            {
                continue;
            }

            PlatformTelemetry.RegistryCacheLookups.Add(1, PlatformTelemetry.Tag("result", "miss"), PlatformTelemetry.Tag("kind", kind));
            try
            {
                // Others may be waiting for this read: it runs to the end even if this caller gives up.
                var value = await read(CancellationToken.None);
                if (value is not null)
                {
                    cache.Keep(key, revision, value, bytes(value));
                }

                mine.Value.TrySetResult(value);
            }
            catch (Exception e)
            {
                mine.Value.TrySetException(e);
            }
            finally
            {
                _flights.TryRemove(new KeyValuePair<string, Flight>(key, mine));
            }

            return await mine.Value.Task.WaitAsync(ct);
        }
    }

    private sealed record Flight(long Revision, TaskCompletionSource<object?> Value);
}
