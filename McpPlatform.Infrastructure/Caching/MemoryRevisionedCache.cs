using McpPlatform.Domain.Servers;
using Microsoft.Extensions.Caching.Memory;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>
/// Registry reads in this process, bounded by <see cref="Capacity"/> size units (one per server held): each instance
/// keeps its own, and the registry revision, moved in PostgreSQL with every change, tells every instance when theirs are
/// out of date.
/// </summary>
public sealed class MemoryRevisionedCache : IRevisionedCache, IDisposable
{
    public const int Capacity = 100_000;

    private readonly MemoryCache _values = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public bool TryGet<T>(string key, long revision, out T value)
        where T : class
    {
        if (_values.TryGetValue(key, out Entry? entry) && entry!.Revision == revision && entry.Value is T kept)
        {
            value = kept;
            return true;
        }

        value = null!;
        return false;
    }

    public void Keep<T>(string key, long revision, T value, int size)
        where T : class =>
        _values.Set(key, new Entry(revision, value), new MemoryCacheEntryOptions { Size = size });

    public void Dispose() => _values.Dispose();

    private sealed record Entry(long Revision, object Value);
}
