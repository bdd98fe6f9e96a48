using McpPlatform.Domain.Servers;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>
/// Registry reads in this process, bounded by <see cref="RegistryCacheOptions.CacheBytes"/> estimated bytes: each
/// instance keeps its own, and the registry's change log, written in PostgreSQL with every change, tells every
/// instance which of them a change made out of date (ADR 0042).
/// </summary>
public sealed class MemoryRevisionedCache(IOptions<RegistryCacheOptions> options) : IRevisionedCache, IDisposable
{
    private readonly MemoryCache _values = new(new MemoryCacheOptions { SizeLimit = options.Value.CacheBytes });
    private readonly long _maxEntryBytes = options.Value.CacheBytes / 4;

    public bool TryGet<T>(string key, out T value, out long keptAt)
        where T : class
    {
        if (_values.TryGetValue(key, out Entry? entry) && entry!.Value is T kept)
        {
            (value, keptAt) = (kept, entry.KeptAt);
            return true;
        }

        (value, keptAt) = (null!, 0);
        return false;
    }

    /// <summary>A value larger than a quarter of the whole is not kept, so that one cannot push out all the others.</summary>
    public void Keep<T>(string key, long keptAt, T value, long bytes)
        where T : class
    {
        if (bytes <= _maxEntryBytes)
        {
            _values.Set(key, new Entry(keptAt, value), new MemoryCacheEntryOptions { Size = Math.Max(1, bytes) });
        }
    }

    public void Dispose() => _values.Dispose();

    private sealed record Entry(long KeptAt, object Value);
}
