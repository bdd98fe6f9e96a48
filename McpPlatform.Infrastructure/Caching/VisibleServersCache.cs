using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using Microsoft.Extensions.Caching.Memory;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>
/// Visible-server lists in this process, bounded by the number of servers they hold together: each instance keeps
/// its own, and the registry revision (shared through Redis) tells every instance when theirs are out of date.
/// Lists longer than <see cref="MaxListLength"/> are not kept, so that a few callers who see most of the registry
/// cannot push out everyone else's lists; the paged list is what serves them.
/// </summary>
public sealed class MemoryVisibleServersCache : IVisibleServersCache, IDisposable
{
    public const int MaxServers = 100_000;
    public const int MaxListLength = 5_000;

    // A list unused this long goes even while the cache has room: its caller has most likely left.
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _lists = new(new MemoryCacheOptions { SizeLimit = MaxServers });

    public IReadOnlyList<ServerView>? Get(IReadOnlyList<PrincipalKey> principals, long registryRevision) =>
        _lists.TryGetValue(KeyOf(principals), out Entry? entry) && entry!.Revision == registryRevision ? entry.Servers : null;

    public void Set(IReadOnlyList<PrincipalKey> principals, long registryRevision, IReadOnlyList<ServerView> servers)
    {
        if (servers.Count > MaxListLength)
        {
            return;
        }

        _lists.Set(KeyOf(principals), new Entry(registryRevision, servers), new MemoryCacheEntryOptions
        {
            Size = servers.Count + 1,
            SlidingExpiration = Idle,
        });
    }

    public void Dispose() => _lists.Dispose();

    /// <summary>The same key for the same set in any order; each id is length-prefixed, so no id can pose as two.</summary>
    private static string KeyOf(IReadOnlyList<PrincipalKey> principals) =>
        string.Join('|', principals.Select(p => $"{p.WireType}:{p.Id.Length}:{p.Id}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    private sealed record Entry(long Revision, IReadOnlyList<ServerView> Servers);
}
