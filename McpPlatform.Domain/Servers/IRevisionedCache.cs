namespace McpPlatform.Domain.Servers;

/// <summary>
/// Values read from the registry's tables, kept in memory each with the registry revision it was read at (see
/// <see cref="RegistrySnapshots"/>); bounded by the total estimated bytes of what it holds.
/// </summary>
public interface IRevisionedCache
{
    /// <summary>The value kept under <paramref name="key"/> and the registry revision it was read at.</summary>
    bool TryGet<T>(string key, out T value, out long keptAt)
        where T : class;

    void Keep<T>(string key, long keptAt, T value, long bytes)
        where T : class;
}
