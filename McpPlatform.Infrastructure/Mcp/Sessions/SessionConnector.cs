using System.Diagnostics;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Telemetry;
using McpPlatform.Infrastructure.Concurrency;
using McpPlatform.Infrastructure.Mcp.Resilience;

namespace McpPlatform.Infrastructure.Mcp.Sessions;

/// <summary>
/// Makes one connect of a key happen: through the server's circuits and retries, each attempt opening a session and
/// listing its tools; the session is installed in its entry unless a disconnect or a newer connect came first. What a
/// fresh session listed, and what it re-lists on <c>notifications/tools/list_changed</c>, goes to the tool catalogue.
/// </summary>
internal sealed class SessionConnector(IMcpConnector connector, IToolListObserver tools, ServerCircuits circuits, UserSessionLimits limits, ConnectionOptions options, IConnectionBoard board)
{
    private const string CircuitOpenState = "circuit open: the server failed repeatedly";

    public async Task<Result<IMcpSession>> ConnectAsync(ConnectionKey key, SessionEntry entry, ConnectionTarget target, DateTimeOffset configStamp, long credentialStamp)
    {
        // The caller goes on while the connect starts; its attempt is shared by every caller of the key.
        await Task.Yield();
        IMcpSession? installed = null;
        Task<Result<IMcpSession>>? superseded = null;
        var first = true;
        var (error, opened) = await circuits.For(key.ServerName).ConnectAsync(async ct =>
        {
            if (first)
            {
                first = false;
                await PrepareAsync(key, entry, configStamp);
            }

            var started = Stopwatch.GetTimestamp();
            var connected = await connector.ConnectAsync(target, new CoalescingRunner<bool>(() => RefreshToolsAsync(key, entry)).RequestAsync, CancellationToken.None);
            var session = connected.IsSuccess ? connected.Value : null;
            var listing = session is null ? default : await session.ListToolsAsync(options.ToolListLimits, CancellationToken.None);
            if (session is null || !listing.IsSuccess)
            {
                var failure = session is null ? connected.Error! : listing.Error!;
                RecordConnect(started, OutcomeOf(failure), target);
                if (session is not null)
                {
                    // Not waited for: a server that failed its tools/list need not acknowledge the close before the caller hears of it.
                    _ = SessionEntry.DisposeQuietlyAsync(session);
                }

                return failure;
            }

            (installed, superseded) = await InstallAsync(key, entry, session, listing.Value, configStamp, credentialStamp);
            if (installed is not null)
            {
                RecordConnect(started, "connected", target);
            }

            return null;
        }, CancellationToken.None);

        if (superseded is not null)
        {
            // Disconnected meanwhile, or replaced by a newer connect: nothing of this attempt is kept.
            return await superseded;
        }

        if (error is null && installed is not null)
        {
            return ResultOf.Value(installed);
        }

        error ??= UpstreamErrors.Unreachable("The connection was closed while it was being opened");
        entry.SetState(ConnectionState.Error, UpstreamErrors.IsCircuitOpen(error) ? CircuitOpenState : opened ? UpstreamErrors.WithNote(error, "circuit opened").Message : error.Message, configStamp);
        entry.ClearPending();
        if (!entry.Removed)
        {
            await board.RecordAsync(key, entry.Snapshot(), CancellationToken.None);
        }

        return opened ? UpstreamErrors.WithNote(error, "circuit opened") : error;
    }

    /// <summary>Before the first attempt: the entry is connecting, its older session closed, and its owner has room.</summary>
    private async Task PrepareAsync(ConnectionKey key, SessionEntry entry, DateTimeOffset configStamp)
    {
        entry.SetState(ConnectionState.Connecting, null, configStamp);
        await board.RecordAsync(key, entry.Snapshot(), CancellationToken.None);
        IMcpSession? previous;
        lock (entry)
        {
            previous = entry.Session;
            entry.Session = null;
        }

        if (previous is not null)
        {
            await SessionEntry.DisposeQuietlyAsync(previous);
        }

        await limits.MakeRoomForAsync(key);
    }

    private async Task<(IMcpSession? Installed, Task<Result<IMcpSession>>? Superseded)> InstallAsync(
        ConnectionKey key, SessionEntry entry, IMcpSession session, IReadOnlyList<ToolInfo> listed, DateTimeOffset configStamp, long credentialStamp)
    {
        Task<Result<IMcpSession>>? newer = null;
        var installed = false;
        lock (entry)
        {
            if (entry.Removed)
            {
                // Disconnected while this connect ran: the session must not outlive the disconnect.
            }
            else if (entry.PendingStamp != (configStamp, credentialStamp))
            {
                // A connect with newer config or credentials started meanwhile: it wins (it may already have finished).
                newer = entry.Pending ?? (entry.Session is { } current ? Task.FromResult(ResultOf.Value(current)) : null);
            }
            else
            {
                entry.Session = session;
                entry.State = ConnectionState.Connected;
                entry.Error = null;
                entry.ConfigStamp = configStamp;
                entry.CredentialStamp = credentialStamp;
                entry.Pending = null;
                installed = true;
            }
        }

        if (!installed)
        {
            await SessionEntry.DisposeQuietlyAsync(session);
            return (null, newer ?? Task.FromResult<Result<IMcpSession>>(UpstreamErrors.Unreachable("The connection was closed while it was being opened")));
        }

        await tools.ListedAsync(key, listed, CancellationToken.None);
        // Acknowledged before any caller waiting on this connect is answered, so a status read anywhere sees it.
        await board.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Connected, null, configStamp, credentialStamp), CancellationToken.None);
        if (entry.Removed)
        {
            await tools.ForgetAsync(key, CancellationToken.None);
            await board.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Disconnected, null, null), CancellationToken.None);
        }

        _ = WatchAsync(key, entry, session);
        return (session, null);
    }

    private async Task WatchAsync(ConnectionKey key, SessionEntry entry, IMcpSession session)
    {
        if (await entry.WatchAsync(session))
        {
            await board.RecordAsync(key, entry.Snapshot(), CancellationToken.None);
        }
    }

    /// <summary>Lists the session's tools again after the server said they changed; whether it could, since nobody
    /// waits on a notification's handling to hear of a failure (the next notification or connection lists them again).</summary>
    private async Task<bool> RefreshToolsAsync(ConnectionKey key, SessionEntry entry)
    {
        IMcpSession? session;
        lock (entry)
        {
            session = entry.Session;
        }

        if (session is null)
        {
            return false;
        }

        try
        {
            var listed = await session.ListToolsAsync(options.ToolListLimits, CancellationToken.None);
            await (listed.IsSuccess ? tools.ListedAsync(key, listed.Value, CancellationToken.None) : tools.ForgetAsync(key, CancellationToken.None));
            return listed.IsSuccess;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static void RecordConnect(long started, string outcome, ConnectionTarget target) =>
        PlatformTelemetry.ConnectDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            PlatformTelemetry.Tag("outcome", outcome), PlatformTelemetry.Tag("transport", target.Transport.ToString()));

    /// <summary>The metric's outcome of a failed attempt: timeout, unreachable, protocol, unauthorized, rejected, toolarge.</summary>
    private static string OutcomeOf(Error error) => (error.ErrorText ?? "upstream_error").Replace("upstream_", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
}
