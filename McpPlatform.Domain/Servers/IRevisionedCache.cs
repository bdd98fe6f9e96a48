namespace McpPlatform.Domain.Servers;

/// <summary>
/// Values read from the registry's tables, kept in memory each with the registry revision it was read at (see
/// <see cref="RegistrySnapshots"/>); bounded by the total <c>size</c> of what it holds.
/// </summary>
public interface IRevisionedCache
{
    /// <summary>The value kept under <paramref name="key"/> if it was kept at <paramref name="revision"/>.</summary>
    bool TryGet<T>(string key, long revision, out T value)
        where T : class;

    void Keep<T>(string key, long revision, T value, int size)
        where T : class;
}
