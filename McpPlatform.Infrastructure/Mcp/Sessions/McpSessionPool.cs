using System.Text.Json;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Mcp.Board;
using McpPlatform.Infrastructure.Mcp.Resilience;

namespace McpPlatform.Infrastructure.Mcp.Sessions;

/// <summary>
/// This instance's MCP sessions behind the domain's <see cref="IMcpSessions"/>: one per key, connected on demand with
/// one attempt in flight per key (<see cref="SessionConnector"/>), every server guarded by its circuits
/// (<see cref="ServerResilience"/>), per-user sessions capped and evicted when idle (<see cref="UserSessionLimits"/>).
/// Status reads never connect. Every transition is recorded on the connection board (<see cref="IConnectionBoard"/>),
/// so other instances' status reads see it: those a request causes before the request is answered.
/// </summary>
public sealed class McpSessionPool : IMcpSessions, IServerChangeListener, IAsyncDisposable
{
    private static readonly ConnectionSnapshot Closed = new(ConnectionState.Disconnected, null, null);

    private readonly SessionTable _table = new();
    private readonly IToolListObserver _tools;
    private readonly ServerCircuits _circuits;
    private readonly UserSessionLimits _limits;
    private readonly SessionConnector _connector;
    private readonly ConnectionGauge _gauge;
    private readonly TimeProvider _clock;
    private readonly ConnectionOptions _options;
    private readonly IConnectionBoard _board;

    public McpSessionPool(IMcpConnector connector, IToolListObserver tools, TimeProvider clock, ConnectionOptions options, IConnectionBoard? board = null)
    {
        _tools = tools;
        _clock = clock;
        _options = options;
        _board = board ?? new SingleInstanceConnectionBoard();
        _circuits = new ServerCircuits(options, clock);
        _limits = new UserSessionLimits(_table, clock, options, _board);
        _connector = new SessionConnector(connector, tools, _circuits, _limits, options, _board);
        _gauge = new ConnectionGauge(_table);
    }

    public ConnectionSnapshot? Snapshot(ConnectionKey key) => _table.TryGet(key, out var entry) ? entry.Snapshot() : null;

    public async Task<Result<IMcpSession>> GetOrConnectAsync(ConnectionKey key, Func<ConnectionTarget> target, DateTimeOffset configStamp, long credentialStamp, CancellationToken ct)
    {
        while (true)
        {
            var entry = _table.GetOrAdd(key);
            Task<Result<IMcpSession>> pending;
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue;
                }

                entry.LastUsed = _clock.GetUtcNow();
                if (entry.Session is { } open && entry.State == ConnectionState.Connected && entry.ConfigStamp == configStamp
                    && entry.CredentialStamp == credentialStamp && !open.Completion.IsCompleted)
                {
                    return ResultOf.Value(open);
                }

                if (entry.Pending is null || entry.PendingStamp != (configStamp, credentialStamp))
                {
                    entry.PendingStamp = (configStamp, credentialStamp);
                    entry.Pending = _connector.ConnectAsync(key, entry, target(), configStamp, credentialStamp);
                }

                pending = entry.Pending;
            }

            // A caller that gives up does not cancel the shared attempt for the others.
            return await pending.WaitAsync(ct);
        }
    }

    public Task<Result<IReadOnlyList<ToolInfo>>> ListToolsAsync(ConnectionKey key, IMcpSession session, CancellationToken ct) =>
        OnSessionAsync(key, c => session.ListToolsAsync(_options.ToolListLimits, c), ct);

    public Task<Result<ToolCallResult>> CallToolAsync(ConnectionKey key, IMcpSession session, string toolName, JsonElement? arguments, CancellationToken ct) =>
        OnSessionAsync(key, async c =>
        {
            var args = arguments is { ValueKind: JsonValueKind.Object } ? arguments : null;
            Result<ToolCallResult> result = default;
            return await _circuits.For(key.ServerName).WithinCallTimeoutAsync(async t => result = await session.CallToolAsync(toolName, args, t), c)
                ? result
                : UpstreamErrors.Timeout($"tools/call {toolName} failed: no answer within {_options.ToolCallTimeout.TotalSeconds:0} s");
        }, ct);

    /// <summary>Also on every other instance: the key's states leave the board (status everywhere says disconnected
    /// when this returns) and the others are told to close their sessions of it.</summary>
    public async Task DisconnectAsync(ConnectionKey key, CancellationToken ct)
    {
        await _table.CloseAsync(key);
        await _tools.ForgetAsync(key, ct);
        await _board.ClearAsync(key, ct);
    }

    /// <summary>Another instance cleared the key: this instance's session of it is closed too.</summary>
    public async Task CloseHereAsync(ConnectionKey key)
    {
        if (await _table.CloseAsync(key))
        {
            await _board.RecordAsync(key, Closed, CancellationToken.None);
        }
    }

    /// <summary>What this instance holds, key by key.</summary>
    public IReadOnlyList<(ConnectionKey Key, ConnectionSnapshot Snapshot)> Snapshots() => [.. _table.Entries.Select(e => (e.Key, e.Value.Snapshot()))];

    public async Task DropServerAsync(string serverName, CancellationToken ct)
    {
        // Other instances' states of the server stop counting by its new config stamp; this one's leave the board.
        foreach (var key in _table.Keys.Where(k => k.ServerName == serverName).ToList())
        {
            if (await _table.CloseAsync(key))
            {
                await _board.RecordAsync(key, Closed, ct);
            }
        }

        _circuits.Forget(serverName);
        await _tools.ForgetServerAsync(serverName, ct);
    }

    public Task ServerChangedAsync(string serverName, CancellationToken ct) => DropServerAsync(serverName, ct);

    /// <summary>Closes per-user sessions unused for longer than the idle timeout; returns how many.</summary>
    public Task<int> EvictIdleAsync() => _limits.EvictIdleAsync();

    public async ValueTask DisposeAsync()
    {
        _gauge.Dispose();
        foreach (var key in _table.Keys.ToList())
        {
            await _table.CloseAsync(key);
        }
    }

    /// <summary>An operation on an open session, through the server's calls circuit. Any failure but authorization
    /// closes the session without waiting (the caller's answer should not wait for a failing server to acknowledge
    /// the close), so the next use reconnects.</summary>
    private async Task<Result<T>> OnSessionAsync<T>(ConnectionKey key, Func<CancellationToken, Task<Result<T>>> operation, CancellationToken ct)
    {
        Result<T> result = default;
        var (error, opened) = await _circuits.For(key.ServerName).CallAsync(async c => (result = await operation(c)).Error, ct);
        if (error is null)
        {
            return result;
        }

        if (!UpstreamErrors.IsUnauthorized(error) && !UpstreamErrors.IsCircuitOpen(error))
        {
            await MarkBrokenAsync(key, error.Message ?? error.ErrorText);
        }

        return opened ? UpstreamErrors.WithNote(error, "circuit opened") : error;
    }

    private async Task MarkBrokenAsync(ConnectionKey key, string? error)
    {
        if (_table.Detach(key) is { } entry)
        {
            _ = entry.CloseAsync();
            var broken = new SessionEntry { State = ConnectionState.Error, Error = error, ConfigStamp = entry.ConfigStamp, LastUsed = _clock.GetUtcNow() };
            if (_table.TryAdd(key, broken))
            {
                await _board.RecordAsync(key, broken.Snapshot(), CancellationToken.None);
            }
        }
    }
}
