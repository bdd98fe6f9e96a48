using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Mcp.Sessions;

/// <summary>What one user may hold open on this instance: at most <see cref="ConnectionOptions.MaxConnectionsPerUser"/>
/// per-user sessions (the least recently used goes first), none unused for longer than
/// <see cref="ConnectionOptions.UserConnectionIdleTimeout"/>. Shared sessions are never limited so.</summary>
internal sealed class UserSessionLimits(SessionTable table, TimeProvider clock, ConnectionOptions options, IConnectionBoard board)
{
    private static readonly ConnectionSnapshot Closed = new(ConnectionState.Disconnected, null, null);

    /// <summary>Makes room for one more session of the key's owner.</summary>
    public async Task MakeRoomForAsync(ConnectionKey key)
    {
        if (key.IsShared)
        {
            return;
        }

        var mine = table.Entries.Where(e => e.Key.Owner == key.Owner && e.Key != key && e.Value.Session is not null).OrderBy(e => e.Value.LastUsed).ToList();
        foreach (var (oldKey, oldEntry) in mine.Take(Math.Max(0, mine.Count - options.MaxConnectionsPerUser + 1)))
        {
            if (await table.CloseAsync(oldKey, oldEntry))
            {
                await board.RecordAsync(oldKey, Closed, CancellationToken.None);
            }
        }
    }

    /// <summary>Closes per-user sessions unused for longer than the idle timeout; returns how many.</summary>
    public async Task<int> EvictIdleAsync()
    {
        var cutoff = clock.GetUtcNow() - options.UserConnectionIdleTimeout;
        var evicted = 0;
        foreach (var (key, entry) in table.Entries.ToList())
        {
            if (!key.IsShared && entry.LastUsed < cutoff && entry.Pending is not { IsCompleted: false } && await table.CloseAsync(key, entry))
            {
                await board.RecordAsync(key, Closed, CancellationToken.None);
                evicted++;
            }
        }

        return evicted;
    }
}
