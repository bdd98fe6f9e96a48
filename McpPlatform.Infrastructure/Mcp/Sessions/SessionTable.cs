using System.Collections.Concurrent;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Mcp.Sessions;

/// <summary>The entries of this instance's sessions by key, shared by the pool, its limits and its gauge.</summary>
internal sealed class SessionTable
{
    private readonly ConcurrentDictionary<ConnectionKey, SessionEntry> _entries = new();

    public ICollection<ConnectionKey> Keys => _entries.Keys;

    public IEnumerable<KeyValuePair<ConnectionKey, SessionEntry>> Entries => _entries;

    public SessionEntry GetOrAdd(ConnectionKey key) => _entries.GetOrAdd(key, _ => new SessionEntry());

    public bool TryGet(ConnectionKey key, out SessionEntry entry) => _entries.TryGetValue(key, out entry!);

    public bool TryAdd(ConnectionKey key, SessionEntry entry) => _entries.TryAdd(key, entry);

    /// <summary>Removes and closes the key's entry; false when there was none.</summary>
    public async Task<bool> CloseAsync(ConnectionKey key)
    {
        if (!_entries.TryRemove(key, out var entry))
        {
            return false;
        }

        await entry.CloseAsync();
        return true;
    }

    /// <summary>Removes and closes this very entry, unless the key holds another one by now.</summary>
    public async Task<bool> CloseAsync(ConnectionKey key, SessionEntry entry)
    {
        if (!_entries.TryRemove(new KeyValuePair<ConnectionKey, SessionEntry>(key, entry)))
        {
            return false;
        }

        await entry.CloseAsync();
        return true;
    }

    /// <summary>Removes the key's entry without waiting for its session to close.</summary>
    public SessionEntry? Detach(ConnectionKey key) => _entries.TryRemove(key, out var entry) ? entry : null;
}
