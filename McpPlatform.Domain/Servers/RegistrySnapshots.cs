using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// Reads of the registry (servers, who may see them, their client registrations) served from memory for as long as
/// the registry revision holds: every server create, change, delete, ACL change and <c>requiresOAuth</c> mark moves
/// it (<see cref="ICatalogRevisions.RegistryChangedAsync"/>), and every such change is the only way those rows
/// change. This instance sees its own changes at once and other instances' within the revisions' freshness. While the
/// revision cannot be read (Redis down), the registry is read each time.
/// </summary>
public sealed class RegistrySnapshots(ICatalogRevisions revisions, IRevisionedCache cache)
{
    /// <summary>The value kept under <paramref name="key"/> at the current revision, else <paramref name="read"/>'s,
    /// which is kept unless null or larger than <paramref name="maxSize"/>.</summary>
    public async Task<T?> ReadAsync<T>(string key, Func<CancellationToken, Task<T?>> read, Func<T, int> size, int maxSize, CancellationToken ct)
        where T : class
    {
        // The revision is read before the value: a change made while the value is read moves it away from the
        // revision kept with the value, which is then read again next time rather than kept stale.
        var revision = await revisions.TryReadRegistryAsync(ct);
        if (revision is null)
        {
            return await read(ct);
        }

        if (cache.TryGet(key, revision.Value, out T kept))
        {
            return kept;
        }

        var value = await read(ct);
        if (value is not null && size(value) <= maxSize)
        {
            cache.Keep(key, revision.Value, value, size(value));
        }

        return value;
    }

    /// <summary>The same key for the same set of principals in any order; each id is length-prefixed, so that no id
    /// can pose as two principals.</summary>
    public static string KeyOf(IReadOnlyList<PrincipalKey> principals) =>
        string.Join('|', principals.Select(p => $"{p.WireType}:{p.Id.Length}:{p.Id}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
