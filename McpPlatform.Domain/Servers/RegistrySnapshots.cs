using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// Reads of the registry (servers, who may see them, their client registrations) served from memory for as long as
/// the registry revision holds: every server create, change, delete, ACL change and <c>requiresOAuth</c> mark moves
/// it in its own transaction (<see cref="IChangeRevisions"/>). A read that starts after a change was answered, on any
/// instance, therefore never serves what was kept from before it.
/// </summary>
public sealed class RegistrySnapshots(IChangeRevisions revisions, IRevisionedCache cache)
{
    /// <summary>The value kept under <paramref name="key"/> at the current revision, else <paramref name="read"/>'s,
    /// which is kept unless null or larger than <paramref name="maxSize"/>.</summary>
    public async Task<T?> ReadAsync<T>(string key, Func<CancellationToken, Task<T?>> read, Func<T, int> size, int maxSize, CancellationToken ct)
        where T : class
    {
        // The revision is read before the value: a change made while the value is read moves it away from the
        // revision kept with the value, which is then read again next time rather than kept stale.
        var revision = (await revisions.ReadAsync(ct)).Registry;
        if (cache.TryGet(key, revision, out T kept))
        {
            return kept;
        }

        var value = await read(ct);
        if (value is not null && size(value) <= maxSize)
        {
            cache.Keep(key, revision, value, size(value));
        }

        return value;
    }

    /// <summary>The same key for the same set of principals in any order; each id is length-prefixed, so that no id
    /// can pose as two principals.</summary>
    public static string KeyOf(IReadOnlyList<PrincipalKey> principals) =>
        string.Join('|', principals.Select(p => $"{p.WireType}:{p.Id.Length}:{p.Id}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
