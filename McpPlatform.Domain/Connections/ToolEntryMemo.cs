using System.Collections.Concurrent;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>
/// Tool catalogue entries of servers with cached tools, kept in this process per (connection key, tools revision,
/// server version, variables all set): the tools revision moves with every write to the server's tool lists, so an
/// entry kept under it is what the tool cache holds, and a shared connection's entry serves every caller. Kept at most
/// <see cref="MaxAge"/> (tool lists also expire in the tool cache by time, without a revision move) and at most
/// <see cref="MaxEntries"/> (past it, all are dropped).
/// </summary>
public sealed class ToolEntryMemo(TimeProvider clock)
{
    public const int MaxEntries = 50_000;
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Key, (ServerTools Entry, long KeptAt)> _entries = new();

    public bool TryGet(ConnectionKey connection, long toolsRevision, ServerView server, bool authenticated, out ServerTools entry)
    {
        if (_entries.TryGetValue(new Key(connection, toolsRevision, server.Version ?? server.UpdatedAt.UtcTicks, authenticated), out var kept)
            && clock.GetElapsedTime(kept.KeptAt) < MaxAge)
        {
            entry = kept.Entry;
            return true;
        }

        entry = null!;
        return false;
    }

    public void Keep(ConnectionKey connection, long toolsRevision, ServerView server, bool authenticated, ServerTools entry)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[new Key(connection, toolsRevision, server.Version ?? server.UpdatedAt.UtcTicks, authenticated)] = (entry, clock.GetTimestamp());
    }

    private readonly record struct Key(ConnectionKey Connection, long ToolsRevision, long ServerVersion, bool Authenticated);
}
