using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Domain.Connections;

/// <summary>Thrown instead of connecting while a server's circuit breaker is open.</summary>
public sealed class CircuitOpenException(string serverName, TimeSpan retryAfter)
    : Exception($"MCP server '{serverName}' failed repeatedly; not retrying for {Math.Ceiling(retryAfter.TotalSeconds)} s")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// The live MCP sessions of this instance, one per <see cref="ConnectionKey"/>: connects on demand (one attempt in
/// flight per key, bounded retries with backoff, a per-server circuit breaker), keeps the tool cache filled from
/// each fresh session, evicts idle per-user sessions and caps them per user. Status reads never connect.
/// </summary>
public sealed class ConnectionPool : IServerChangeListener, IAsyncDisposable
{
    private readonly ConcurrentDictionary<ConnectionKey, Entry> _entries = new();
    private readonly ConcurrentDictionary<string, Breaker> _breakers = new(StringComparer.Ordinal);
    private readonly IMcpConnector connector;
    private readonly IToolCache toolCache;
    private readonly TimeProvider clock;
    private readonly ConnectionOptions options;

    public ConnectionPool(IMcpConnector connector, IToolCache toolCache, TimeProvider clock, ConnectionOptions options)
    {
        this.connector = connector;
        this.toolCache = toolCache;
        this.clock = clock;
        this.options = options;
        PlatformTelemetry.ObserveConnections(this, () => _entries
            .GroupBy(e => (State: ConnectionStates.ToWire(e.Value.State), Kind: e.Key.IsShared ? "shared" : "user"))
            .Select(g => new Measurement<int>(g.Count(), PlatformTelemetry.Tag("state", g.Key.State), PlatformTelemetry.Tag("kind", g.Key.Kind))));
    }

    /// <summary>What is known about a connection, without touching it.</summary>
    public ConnectionSnapshot? Snapshot(ConnectionKey key) =>
        _entries.TryGetValue(key, out var entry) ? new ConnectionSnapshot(entry.State, entry.Error, entry.ConfigStamp, entry.CredentialStamp) : null;

    public int Count => _entries.Count;

    /// <summary>The open session for the key, connecting (and caching the tool list) when there is none or the one
    /// there was made from an older config (<paramref name="configStamp"/>) or older credentials
    /// (<paramref name="credentialStamp"/>, e.g. the version of the access token it was opened with).</summary>
    public async Task<IMcpSession> GetOrConnectAsync(ConnectionKey key, Func<ConnectionTarget> target, DateTimeOffset configStamp, CancellationToken ct, long credentialStamp = 0)
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(key, _ => new Entry());
            Task<IMcpSession> pending;
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue;
                }

                entry.LastUsed = clock.GetUtcNow();
                if (entry.Session is { } open && entry.State == ConnectionState.Connected && entry.ConfigStamp == configStamp
                    && entry.CredentialStamp == credentialStamp && !open.Completion.IsCompleted)
                {
                    return open;
                }

                if (entry.Pending is null || entry.PendingStamp != (configStamp, credentialStamp))
                {
                    entry.PendingStamp = (configStamp, credentialStamp);
                    entry.Pending = ConnectAsync(key, entry, target(), configStamp, credentialStamp);
                }

                pending = entry.Pending;
            }

            // A caller that gives up does not cancel the shared attempt for the others.
            return await pending.WaitAsync(ct);
        }
    }

    /// <summary>Closes the key's session and forgets its cached tools (reinitialize, credential or token change).</summary>
    public async Task DisconnectAsync(ConnectionKey key, CancellationToken ct)
    {
        if (_entries.TryRemove(key, out var entry))
        {
            await CloseAsync(entry);
        }

        await toolCache.RemoveAsync(key.ServerName, key.Owner, ct);
    }

    /// <summary>Closes every session of the server, for every owner, and forgets its tools (config change, delete).</summary>
    public async Task DropServerAsync(string serverName, CancellationToken ct)
    {
        foreach (var key in _entries.Keys.Where(k => k.ServerName == serverName).ToList())
        {
            if (_entries.TryRemove(key, out var entry))
            {
                await CloseAsync(entry);
            }
        }

        _breakers.TryRemove(serverName, out _);
        await toolCache.RemoveServerAsync(serverName, ct);
    }

    public Task ServerChangedAsync(string serverName, CancellationToken ct) => DropServerAsync(serverName, ct);

    /// <summary>Marks a session broken after a failed call, so the next use reconnects. The session is closed without
    /// waiting: the caller's answer should not wait for a failing server to acknowledge the close.</summary>
    public Task MarkBrokenAsync(ConnectionKey key, string error)
    {
        if (_entries.TryRemove(key, out var entry))
        {
            _ = CloseAsync(entry);
            var broken = new Entry { State = ConnectionState.Error, Error = error, ConfigStamp = entry.ConfigStamp, LastUsed = clock.GetUtcNow() };
            _entries.TryAdd(key, broken);
        }

        return Task.CompletedTask;
    }

    /// <summary>Counts a call on an open session that failed (no answer in time, dropped, garbage) against the server's
    /// breaker; true when this opened the circuit. Successful connects do not clear these: a server that accepts
    /// sessions and then never completes a call must still be cut off.</summary>
    public bool CallFailed(string serverName) =>
        _breakers.GetOrAdd(serverName, _ => new Breaker()).CallFailed(options.CircuitBreakerFailures, clock.GetUtcNow(), options.CircuitBreakerCooldown);

    /// <summary>A call on an open session was answered: the server's run of failed calls is over.</summary>
    public void CallSucceeded(string serverName)
    {
        if (_breakers.TryGetValue(serverName, out var breaker))
        {
            breaker.CallSucceeded();
        }
    }

    /// <summary>Closes per-user sessions unused for longer than the idle timeout; returns how many.</summary>
    public async Task<int> EvictIdleAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.UserConnectionIdleTimeout;
        var evicted = 0;
        foreach (var (key, entry) in _entries.ToList())
        {
            if (!key.IsShared && entry.LastUsed < cutoff && entry.Pending is not { IsCompleted: false } && _entries.TryRemove(new KeyValuePair<ConnectionKey, Entry>(key, entry)))
            {
                await CloseAsync(entry);
                evicted++;
            }
        }

        return evicted;
    }

    public async ValueTask DisposeAsync()
    {
        PlatformTelemetry.StopObserving(this);
        foreach (var key in _entries.Keys.ToList())
        {
            if (_entries.TryRemove(key, out var entry))
            {
                await CloseAsync(entry);
            }
        }
    }

    private async Task<IMcpSession> ConnectAsync(ConnectionKey key, Entry entry, ConnectionTarget target, DateTimeOffset configStamp, long credentialStamp)
    {
        await Task.Yield();
        var breaker = _breakers.GetOrAdd(key.ServerName, _ => new Breaker());
        if (!breaker.TryEnter(clock.GetUtcNow(), out var retryAfter, out var probe))
        {
            SetState(entry, ConnectionState.Error, "circuit open: the server failed repeatedly", configStamp);
            ClearPending(entry);
            throw new CircuitOpenException(key.ServerName, retryAfter);
        }

        try
        {
            return await ConnectThroughBreakerAsync(key, entry, target, configStamp, credentialStamp, breaker);
        }
        finally
        {
            // A probe that ended without a verdict (authorization needed, superseded, an unexpected error) lets the next caller probe.
            breaker.EndProbe(probe);
        }
    }

    private async Task<IMcpSession> ConnectThroughBreakerAsync(ConnectionKey key, Entry entry, ConnectionTarget target, DateTimeOffset configStamp, long credentialStamp, Breaker breaker)
    {
        SetState(entry, ConnectionState.Connecting, null, configStamp);
        IMcpSession? previous;
        lock (entry)
        {
            previous = entry.Session;
            entry.Session = null;
        }

        if (previous is not null)
        {
            await DisposeQuietlyAsync(previous);
        }

        if (!key.IsShared)
        {
            await EnforceUserCapAsync(key);
        }

        McpUpstreamException? last = null;
        Task<IMcpSession>? superseded = null;
        for (var attempt = 1; attempt <= Math.Max(1, options.ConnectAttempts); attempt++)
        {
            IMcpSession? session = null;
            var started = Stopwatch.GetTimestamp();
            try
            {
                // One re-listing at a time per session, and at most one more queued, however often the server says its tools changed.
                var refresh = new CoalescingRunner(() => RefreshToolsAsync(key, entry));
                session = await connector.ConnectAsync(target, refresh.RequestAsync, CancellationToken.None);
                var tools = await session.ListToolsAsync(options.ToolListLimits, CancellationToken.None);
                Task<IMcpSession>? newer = null;
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
                        newer = entry.Pending ?? (entry.Session is { } current ? Task.FromResult(current) : null);
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
                    await DisposeQuietlyAsync(session);
                    superseded = newer ?? Task.FromException<IMcpSession>(
                        new McpUpstreamException(UpstreamFailure.Unreachable, "The connection was closed while it was being opened"));
                    break;
                }

                await toolCache.SetAsync(key.ServerName, key.Owner, tools, CancellationToken.None);
                if (entry.Removed)
                {
                    await toolCache.RemoveAsync(key.ServerName, key.Owner, CancellationToken.None);
                }

                breaker.Succeeded();
                RecordConnect(started, "connected", target);
                _ = WatchAsync(entry, session);
                return session;
            }
            catch (McpUpstreamException e)
            {
                last = e;
                RecordConnect(started, e.Failure.ToString().ToLowerInvariant(), target);
                if (session is not null)
                {
                    // Not waited for: a server that failed its tools/list need not acknowledge the close before the caller hears of it.
                    _ = DisposeQuietlyAsync(session);
                }

                // Authorization problems and refusals will not go away by retrying, and say nothing about the server's health.
                if (e.Failure is UpstreamFailure.Unauthorized or UpstreamFailure.Rejected)
                {
                    break;
                }

                if (attempt < options.ConnectAttempts)
                {
                    await Task.Delay(options.RetryBackoff * attempt, clock);
                }
            }
        }

        if (superseded is not null)
        {
            // Disconnected meanwhile, or replaced by a newer connect: nothing of this attempt is kept.
            return await superseded;
        }

        if (last!.Failure is not (UpstreamFailure.Unauthorized or UpstreamFailure.Rejected) && breaker.Failed(options.CircuitBreakerFailures, clock.GetUtcNow(), options.CircuitBreakerCooldown))
        {
            last = new McpUpstreamException(last.Failure, last.Message + " (circuit opened)", last);
        }

        SetState(entry, ConnectionState.Error, last.Message, configStamp);
        ClearPending(entry);
        throw last;
    }

    private static void RecordConnect(long started, string outcome, ConnectionTarget target) =>
        PlatformTelemetry.ConnectDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            PlatformTelemetry.Tag("outcome", outcome), PlatformTelemetry.Tag("transport", target.Transport.ToString()));

    private async Task RefreshToolsAsync(ConnectionKey key, Entry entry)
    {
        IMcpSession? session;
        lock (entry)
        {
            session = entry.Session;
        }

        if (session is null)
        {
            return;
        }

        try
        {
            var tools = await session.ListToolsAsync(options.ToolListLimits, CancellationToken.None);
            await toolCache.SetAsync(key.ServerName, key.Owner, tools, CancellationToken.None);
        }
        catch (McpUpstreamException)
        {
            await toolCache.RemoveAsync(key.ServerName, key.Owner, CancellationToken.None);
        }
    }

    /// <summary>When a session ends on its own (process exit, dropped connection), its state says so.</summary>
    private static async Task WatchAsync(Entry entry, IMcpSession session)
    {
        try
        {
            await session.Completion;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The completion's fault is the reason; it is recorded below.
        }

        lock (entry)
        {
            if (!ReferenceEquals(entry.Session, session) || entry.Removed)
            {
                return;
            }

            entry.Session = null;
            entry.State = ConnectionState.Error;
            entry.Error = "The connection to the server was closed";
        }

        await DisposeQuietlyAsync(session);
    }

    private async Task EnforceUserCapAsync(ConnectionKey key)
    {
        var mine = _entries.Where(e => e.Key.Owner == key.Owner && e.Key != key && e.Value.Session is not null).OrderBy(e => e.Value.LastUsed).ToList();
        foreach (var (oldKey, oldEntry) in mine.Take(Math.Max(0, mine.Count - options.MaxConnectionsPerUser + 1)))
        {
            if (_entries.TryRemove(new KeyValuePair<ConnectionKey, Entry>(oldKey, oldEntry)))
            {
                await CloseAsync(oldEntry);
            }
        }
    }

    private static void SetState(Entry entry, ConnectionState state, string? error, DateTimeOffset stamp)
    {
        lock (entry)
        {
            entry.State = state;
            entry.Error = error;
            entry.ConfigStamp = stamp;
        }
    }

    private static void ClearPending(Entry entry)
    {
        lock (entry)
        {
            entry.Pending = null;
        }
    }

    private static async Task CloseAsync(Entry entry)
    {
        IMcpSession? session;
        lock (entry)
        {
            entry.Removed = true;
            session = entry.Session;
            entry.Session = null;
        }

        if (session is not null)
        {
            await DisposeQuietlyAsync(session);
        }
    }

    private static async Task DisposeQuietlyAsync(IMcpSession session)
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

    private sealed class Entry
    {
        public IMcpSession? Session { get; set; }
        public Task<IMcpSession>? Pending { get; set; }
        public (DateTimeOffset Config, long Credential) PendingStamp { get; set; }
        public long CredentialStamp { get; set; }
        public ConnectionState State { get; set; } = ConnectionState.Disconnected;
        public string? Error { get; set; }
        public DateTimeOffset? ConfigStamp { get; set; }
        public DateTimeOffset LastUsed { get; set; }
        public bool Removed { get; set; }
    }

    /// <summary>
    /// Closed: counts consecutive failed connects, and separately consecutive failed calls on open sessions, and opens
    /// when either run reaches the threshold. Open: refuses every connect until the
    /// cooldown has passed. Half-open (cooldown over): one connect at a time goes through as the probe, the others are
    /// refused meanwhile; the probe's success closes the circuit, its failure opens it again at once.
    /// </summary>
    private sealed class Breaker
    {
        /// <summary>What a caller refused while a probe is in flight is told to wait.</summary>
        private static readonly TimeSpan ProbeInFlight = TimeSpan.FromSeconds(1);

        private readonly Lock _sync = new();
        private int _failures;
        private int _callFailures;
        private DateTimeOffset? _openUntil;
        private long _probe;
        private long _lastProbe;

        /// <summary>Whether a connect may go ahead; when not, how long to wait. <paramref name="probe"/> is non-zero
        /// when this connect is the half-open probe (to be passed to <see cref="EndProbe"/>).</summary>
        public bool TryEnter(DateTimeOffset now, out TimeSpan retryAfter, out long probe)
        {
            lock (_sync)
            {
                retryAfter = TimeSpan.Zero;
                probe = 0;
                if (_openUntil is not { } until)
                {
                    return true;
                }

                if (until > now)
                {
                    retryAfter = until - now;
                    return false;
                }

                if (_probe != 0)
                {
                    retryAfter = ProbeInFlight;
                    return false;
                }

                _probe = probe = ++_lastProbe;
                return true;
            }
        }

        public void Succeeded()
        {
            lock (_sync)
            {
                _failures = 0;
                _openUntil = null;
                _probe = 0;
            }
        }

        /// <summary>Counts a failed connect; true when it opened the circuit.</summary>
        public bool Failed(int threshold, DateTimeOffset now, TimeSpan cooldown)
        {
            lock (_sync)
            {
                return Count(ref _failures, threshold, now, cooldown);
            }
        }

        /// <summary>Counts a failed call; true when it opened the circuit.</summary>
        public bool CallFailed(int threshold, DateTimeOffset now, TimeSpan cooldown)
        {
            lock (_sync)
            {
                return Count(ref _callFailures, threshold, now, cooldown);
            }
        }

        public void CallSucceeded()
        {
            lock (_sync)
            {
                _callFailures = 0;
            }
        }

        /// <summary>Releases the probe if it is still the one in flight (no verdict was recorded).</summary>
        public void EndProbe(long probe)
        {
            lock (_sync)
            {
                if (probe != 0 && _probe == probe)
                {
                    _probe = 0;
                }
            }
        }

        /// <summary>Opens the circuit at the threshold, or at once when half-open (the server was given its chance
        /// after the cooldown and failed). A failure while already open (begun before it opened) changes nothing.</summary>
        private bool Count(ref int failures, int threshold, DateTimeOffset now, TimeSpan cooldown)
        {
            switch (_openUntil)
            {
                case { } until when until > now:
                    return false;
                case null when ++failures < threshold:
                    return false;
            }

            _failures = 0;
            _callFailures = 0;
            _openUntil = now + cooldown;
            _probe = 0;
            return true;
        }
    }
}
