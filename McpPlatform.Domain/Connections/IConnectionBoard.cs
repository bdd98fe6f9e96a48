namespace McpPlatform.Domain.Connections;

/// <summary>
/// The connection states of every instance, so that a status read on one instance sees a connection another instance
/// holds. Each instance records its own sessions' transitions; an entry of an instance that stopped beating no longer
/// counts. Recording and clearing never fail the caller: when the board cannot be written promptly, the instance's own
/// state is still right, and status reads fall back to it.
/// </summary>
public interface IConnectionBoard
{
    /// <summary>This instance's state of the key (<see cref="ConnectionState.Disconnected"/> removes it); done when the
    /// board has acknowledged it, or given up on after a short bound.</summary>
    Task RecordAsync(ConnectionKey key, ConnectionSnapshot snapshot, CancellationToken ct);

    /// <summary>Every instance's state of the key is removed, and the other instances are told to close their session
    /// of it (disconnect, revoke, reinitialize, credential change).</summary>
    Task ClearAsync(ConnectionKey key, CancellationToken ct);

    /// <summary>The states the live instances recorded for the keys of these owners, by key; <c>null</c> when there is
    /// nothing beyond this instance's own sessions to read (a single instance) or the board did not answer promptly.</summary>
    Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ConnectionSnapshot>>?> ReadAsync(IReadOnlyList<string> owners, CancellationToken ct);
}
