using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Mcp.Sessions;

/// <summary>One key's connection: its session, the connect in flight (shared by every caller, so one attempt per
/// key), the stamps it was made from and its state. Changed under a lock on the entry itself.</summary>
internal sealed class SessionEntry
{
    public IMcpSession? Session { get; set; }

    public Task<Result<IMcpSession>>? Pending { get; set; }

    public (DateTimeOffset Config, long Credential) PendingStamp { get; set; }

    public long CredentialStamp { get; set; }

    public ConnectionState State { get; set; } = ConnectionState.Disconnected;

    public string? Error { get; set; }

    public DateTimeOffset? ConfigStamp { get; set; }

    public DateTimeOffset LastUsed { get; set; }

    /// <summary>Taken out of the table: nothing may be installed in it any more.</summary>
    public bool Removed { get; set; }

    public ConnectionSnapshot Snapshot() => new(State, Error, ConfigStamp, CredentialStamp);

    public void SetState(ConnectionState state, string? error, DateTimeOffset stamp)
    {
        lock (this)
        {
            State = state;
            Error = error;
            ConfigStamp = stamp;
        }
    }

    public void ClearPending()
    {
        lock (this)
        {
            Pending = null;
        }
    }

    /// <summary>Marks the entry removed and closes its session.</summary>
    public async Task CloseAsync()
    {
        IMcpSession? session;
        lock (this)
        {
            Removed = true;
            session = Session;
            Session = null;
        }

        if (session is not null)
        {
            await DisposeQuietlyAsync(session);
        }
    }

    /// <summary>When the session ends on its own (process exit, dropped connection), the state says so; true then.</summary>
    public async Task<bool> WatchAsync(IMcpSession session)
    {
        try
        {
            await session.Completion;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The completion's fault is the reason; it is recorded below.
        }

        lock (this)
        {
            if (!ReferenceEquals(Session, session) || Removed)
            {
                return false;
            }

            Session = null;
            State = ConnectionState.Error;
            Error = "The connection to the server was closed";
        }

        await DisposeQuietlyAsync(session);
        return true;
    }

    public static async Task DisposeQuietlyAsync(IMcpSession session)
    {
        try
        {
            await session.DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Closing a broken session can fail; there is nothing left to release.
        }
    }
}
