using System.Collections.Concurrent;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Infrastructure.Mcp.Sessions;
using Moq;
using static McpPlatform.Domain.Tests.ConnectionTestKit;

namespace McpPlatform.Tests.Unit;

/// <summary>The session runtime's rules with a mocked connector, a real in-memory tool cache (through the catalogue's
/// writer) and a hand-driven clock: single-flight connects, stamps, retries, the circuit breaker, idle eviction and
/// the per-user cap.</summary>
public sealed class ConnectionPoolTests
{
    private static readonly DateTimeOffset Stamp1 = T0;
    private static readonly DateTimeOffset Stamp2 = T0.AddMinutes(5);
    private static readonly ConnectionKey Files = new("files", ConnectionKey.Shared);
    private static readonly ConnectionKey AliceGithub = new("github", "alice");
    private static readonly ConnectionKey BobGithub = new("github", "bob");
    private static readonly CancellationToken None = CancellationToken.None;

    private Clock _clock = null!;
    private Mock<IMcpConnector> _connector = null!;
    private MemoryToolCache _cache = null!;
    private ConnectionOptions _options = null!;
    private McpSessionPool _pool = null!;
    private ConcurrentQueue<Opened> _opened = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new Clock();
        _connector = new Mock<IMcpConnector>();
        _opened = OpenFreshSessions(_connector);
        _cache = new MemoryToolCache(new MemoryCatalogRevisions());
        _options = new ConnectionOptions { RetryBackoff = TimeSpan.FromMilliseconds(1) };
        _pool = new McpSessionPool(_connector.Object, new ToolCatalogWriter(_cache), _clock, _options);
    }

    [TearDown]
    public async Task TearDown() => await _pool.DisposeAsync();

    /// <summary>The session, or the failure as <see cref="Failed"/> (an upstream error) or <see cref="Refused"/> (an open circuit).</summary>
    private async Task<IMcpSession> ConnectAsync(ConnectionKey key, DateTimeOffset? stamp = null, long credentialStamp = 0) =>
        Unwrap(await _pool.GetOrConnectAsync(key, () => Target(key.ServerName), stamp ?? Stamp1, credentialStamp, None));

    private static IMcpSession Unwrap(Result<IMcpSession> result) =>
        result.IsSuccess ? result.Value : UpstreamErrors.IsCircuitOpen(result.Error!) ? throw new Refused(result.Error!) : throw new Failed(result.Error!);

    private FakeSession SessionOf(int index) => _opened.ElementAt(index).Session;

    private void ConnectorThrows(Func<string, Error> failure, string message = "Connection refused") =>
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(failure(message));

    private static Error Unauthorized(string message) => UpstreamErrors.Unauthorized(message, null);

    private void VerifyConnects(int times) =>
        _connector.Verify(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()), Times.Exactly(times));

    private async Task<IReadOnlyList<string>?> CachedToolNamesAsync(ConnectionKey key) =>
        (await _cache.GetAsync(key.ServerName, key.Owner, None))?.Select(t => t.Name).ToList();

    // ---- connecting -----------------------------------------------------------------------------------------------

    [Test]
    public async Task Connect_CachesTheToolListForTheKey_AndReportsConnected()
    {
        var session = await ConnectAsync(AliceGithub);

        Assert.That(session, Is.SameAs(SessionOf(0).Object));
        var snapshot = _pool.Snapshot(AliceGithub);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CachedToolNamesAsync(AliceGithub), Is.EqualTo(new[] { "github_tool" }));
            Assert.That(await CachedToolNamesAsync(BobGithub), Is.Null, "another owner's key has nothing cached");
            Assert.That(snapshot?.State, Is.EqualTo(ConnectionState.Connected));
            Assert.That(snapshot?.Error, Is.Null);
            Assert.That(snapshot?.ConfigStamp, Is.EqualTo(Stamp1));
            Assert.That(_opened.Single().Target.ServerName, Is.EqualTo("github"));
        }
    }

    [Test]
    public void Snapshot_OfAnUnknownKey_IsNull_AndNeverConnects()
    {
        Assert.That(_pool.Snapshot(Files), Is.Null);
        VerifyConnects(0);
    }

    [Test]
    public async Task ConcurrentCalls_ForOneKey_ConnectOnce_AndShareTheSession()
    {
        var gate = new TaskCompletionSource<Result<IMcpSession>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>())).Returns(gate.Task);
        var targetsBuilt = 0;

        var calls = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => _pool.GetOrConnectAsync(Files, () => { Interlocked.Increment(ref targetsBuilt); return Target("files"); }, Stamp1, 0, None)))
            .ToList();
        await Task.Delay(50);
        var session = new FakeSession([Tool("read")]);
        gate.SetResult(ResultOf.Value(session.Object));
        var sessions = (await Task.WhenAll(calls)).Select(r => r.Value);

        Assert.That(sessions, Has.All.SameAs(session.Object));
        VerifyConnects(1);
        Assert.That(targetsBuilt, Is.EqualTo(1), "the target is only built for the attempt that connects");
    }

    [Test]
    public async Task SecondCall_WithTheSameStamps_ReusesTheSession()
    {
        var first = await ConnectAsync(AliceGithub, Stamp1, credentialStamp: 4);
        var second = await ConnectAsync(AliceGithub, Stamp1, credentialStamp: 4);

        Assert.That(second, Is.SameAs(first));
        VerifyConnects(1);
        Assert.That(SessionOf(0).DisposeCount, Is.Zero);
    }

    [Test]
    public async Task NewConfigStamp_Reconnects_AndDisposesTheOldSession()
    {
        var first = await ConnectAsync(AliceGithub, Stamp1);
        var second = await ConnectAsync(AliceGithub, Stamp2);

        Assert.That(second, Is.Not.SameAs(first));
        VerifyConnects(2);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(SessionOf(0).DisposeCount, Is.EqualTo(1));
            Assert.That(SessionOf(1).DisposeCount, Is.Zero);
            Assert.That(_pool.Snapshot(AliceGithub)?.ConfigStamp, Is.EqualTo(Stamp2));
        }
    }

    [Test]
    public async Task NewCredentialStamp_Reconnects_AndDisposesTheOldSession()
    {
        var first = await ConnectAsync(AliceGithub, Stamp1, credentialStamp: 1);
        var second = await ConnectAsync(AliceGithub, Stamp1, credentialStamp: 2);

        Assert.That(second, Is.Not.SameAs(first));
        VerifyConnects(2);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(SessionOf(0).DisposeCount, Is.EqualTo(1));
            Assert.That(_pool.Snapshot(AliceGithub)?.CredentialStamp, Is.EqualTo(2));
            Assert.That(_pool.Snapshot(AliceGithub)?.State, Is.EqualTo(ConnectionState.Connected));
        }
    }

    // ---- disconnecting --------------------------------------------------------------------------------------------

    [Test]
    public async Task Disconnect_DisposesTheSession_AndForgetsOnlyThatKeysTools()
    {
        await ConnectAsync(AliceGithub);
        await ConnectAsync(BobGithub);

        await _pool.DisconnectAsync(AliceGithub, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(SessionOf(0).DisposeCount, Is.EqualTo(1));
            Assert.That(SessionOf(1).DisposeCount, Is.Zero);
            Assert.That(await CachedToolNamesAsync(AliceGithub), Is.Null);
            Assert.That(await CachedToolNamesAsync(BobGithub), Is.EqualTo(new[] { "github_tool" }));
            Assert.That(_pool.Snapshot(AliceGithub), Is.Null);
            Assert.That(_pool.Snapshot(BobGithub)?.State, Is.EqualTo(ConnectionState.Connected), "bob's connection is all that is left");
        }
    }

    [Test]
    public async Task Disconnect_ThenConnect_OpensANewSession()
    {
        var first = await ConnectAsync(AliceGithub);
        await _pool.DisconnectAsync(AliceGithub, None);

        var second = await ConnectAsync(AliceGithub);

        Assert.That(second, Is.Not.SameAs(first));
        VerifyConnects(2);
    }

    [Test]
    public async Task DropServer_ClosesEveryOwnersSession_AndRemovesTheServersTools()
    {
        var cache = new Mock<IToolCache>();
        await using var pool = new McpSessionPool(_connector.Object, new ToolCatalogWriter(cache.Object), _clock, _options);
        await pool.GetOrConnectAsync(AliceGithub, () => Target("github"), Stamp1, 0, None);
        await pool.GetOrConnectAsync(BobGithub, () => Target("github"), Stamp1, 0, None);
        await pool.GetOrConnectAsync(Files, () => Target("files"), Stamp1, 0, None);

        await pool.DropServerAsync("github", None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(SessionOf(0).DisposeCount, Is.EqualTo(1), "alice's github session");
            Assert.That(SessionOf(1).DisposeCount, Is.EqualTo(1), "bob's github session");
            Assert.That(SessionOf(2).DisposeCount, Is.Zero, "another server's session stays open");
            Assert.That(pool.Snapshot(AliceGithub), Is.Null);
            Assert.That(pool.Snapshot(BobGithub), Is.Null);
            Assert.That(pool.Snapshot(Files)?.State, Is.EqualTo(ConnectionState.Connected));
        }

        cache.Verify(c => c.RemoveServerAsync("github", It.IsAny<CancellationToken>()), Times.Once);
        cache.Verify(c => c.RemoveServerAsync("files", It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task ServerChanged_DropsTheServer()
    {
        await ConnectAsync(AliceGithub);

        await _pool.ServerChangedAsync("github", None);

        Assert.That(SessionOf(0).DisposeCount, Is.EqualTo(1));
        Assert.That(await CachedToolNamesAsync(AliceGithub), Is.Null);
    }

    [Test]
    public async Task AFailedCall_ClosesTheSession_ReportsTheError_AndTheNextUseReconnects()
    {
        var session = await ConnectAsync(Files);
        SessionOf(0).Mock.Setup(s => s.CallToolAsync("read", It.IsAny<System.Text.Json.JsonElement?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(UpstreamErrors.Protocol("tool call failed"));

        var failed = await _pool.CallToolAsync(Files, session, "read", null, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failed.Error?.Message, Is.EqualTo("tool call failed"));
            Assert.That(SessionOf(0).DisposeCount, Is.EqualTo(1));
            Assert.That(_pool.Snapshot(Files)?.State, Is.EqualTo(ConnectionState.Error));
            Assert.That(_pool.Snapshot(Files)?.Error, Is.EqualTo("tool call failed"));
        }

        await ConnectAsync(Files);
        VerifyConnects(2);
        Assert.That(_pool.Snapshot(Files)?.State, Is.EqualTo(ConnectionState.Connected));
    }

    // ---- failures, retries, circuit breaker -----------------------------------------------------------------------

    [Test]
    public async Task FailingConnect_ThrowsAndSetsTheErrorStateWithTheMessage()
    {
        _options.ConnectAttempts = 1;
        ConnectorThrows(UpstreamErrors.Unreachable, "Connection refused");

        var e = Assert.ThrowsAsync<Failed>(() => ConnectAsync(Files));

        Assert.That(e.Failure, Is.EqualTo(UpstreamErrors.UnreachableCode));
        var snapshot = _pool.Snapshot(Files);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(snapshot?.State, Is.EqualTo(ConnectionState.Error));
            Assert.That(snapshot?.Error, Is.EqualTo("Connection refused"));
            Assert.That(snapshot?.ConfigStamp, Is.EqualTo(Stamp1));
            Assert.That(await CachedToolNamesAsync(Files), Is.Null);
        }
    }

    [Test]
    public void FailingConnect_IsNotCachedAsPending_TheNextCallTriesAgain()
    {
        _options.ConnectAttempts = 1;
        ConnectorThrows(UpstreamErrors.Unreachable);

        Assert.ThrowsAsync<Failed>(() => ConnectAsync(Files));
        Assert.ThrowsAsync<Failed>(() => ConnectAsync(Files));

        VerifyConnects(2);
    }

    [Test]
    public async Task CircuitBreaker_OpensAfterConsecutiveFailures_AndClosesAfterTheCooldown()
    {
        _options.ConnectAttempts = 1;
        _options.CircuitBreakerFailures = 3;
        _options.CircuitBreakerCooldown = TimeSpan.FromSeconds(30);
        ConnectorThrows(UpstreamErrors.Unreachable, "down");

        Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        var opening = Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        Assert.That(opening.Message, Does.EndWith("(circuit opened)"));

        var open = Assert.ThrowsAsync<Refused>(() => ConnectAsync(AliceGithub));
        Assert.That(open.RetryAfter, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(30)));
        Assert.ThrowsAsync<Refused>(() => ConnectAsync(BobGithub), "the breaker is per server, whoever asks");
        VerifyConnects(3);
        Assert.That(_pool.Snapshot(AliceGithub)?.State, Is.EqualTo(ConnectionState.Error));

        _clock.Advance(TimeSpan.FromSeconds(31));
        _opened = OpenFreshSessions(_connector);
        var session = await ConnectAsync(AliceGithub);

        Assert.That(session, Is.Not.Null);
        VerifyConnects(4);
        Assert.That(_pool.Snapshot(AliceGithub)?.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task CircuitBreaker_AfterTheCooldown_AFailedProbeReopensItAtOnce()
    {
        _options.ConnectAttempts = 1;
        _options.CircuitBreakerFailures = 3;
        _options.CircuitBreakerCooldown = TimeSpan.FromSeconds(30);
        ConnectorThrows(UpstreamErrors.Timeout, "no answer");
        for (var i = 0; i < 3; i++)
        {
            Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        }

        _clock.Advance(TimeSpan.FromSeconds(31));
        var probe = Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));

        Assert.That(probe.Message, Does.EndWith("(circuit opened)"), "one failed probe, not another three failures");
        var open = Assert.ThrowsAsync<Refused>(() => ConnectAsync(BobGithub));
        Assert.That(open.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)), "a full cooldown from the failed probe");
        VerifyConnects(4);

        _clock.Advance(TimeSpan.FromSeconds(31));
        _opened = OpenFreshSessions(_connector);
        Assert.That(await ConnectAsync(BobGithub), Is.Not.Null, "a successful probe closes the circuit");
        Assert.That(await ConnectAsync(AliceGithub), Is.Not.Null);
        VerifyConnects(6);
    }

    [Test]
    public async Task CircuitBreaker_WhenHalfOpen_LetsOneProbeThroughAndRefusesTheOthersMeanwhile()
    {
        _options.ConnectAttempts = 1;
        _options.CircuitBreakerFailures = 2;
        ConnectorThrows(UpstreamErrors.Unreachable, "down");
        Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        _clock.Advance(_options.CircuitBreakerCooldown + TimeSpan.FromSeconds(1));
        var gate = new TaskCompletionSource<Result<IMcpSession>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                probing.TrySetResult();
                return gate.Task;
            });

        var probe = ConnectAsync(AliceGithub);
        await probing.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Bob's connection is another key, so only the breaker can stop it from being a second probe.
        var meanwhile = Assert.ThrowsAsync<Refused>(() => ConnectAsync(BobGithub).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.That(meanwhile.RetryAfter, Is.GreaterThan(TimeSpan.Zero));

        var session = new FakeSession([Tool("github_tool")]);
        gate.SetResult(ResultOf.Value(session.Object));
        Assert.That(await probe, Is.SameAs(session.Object));
        VerifyConnects(3);
    }

    [Test]
    public async Task CircuitBreaker_AProbeThatNeedsAuthorization_LetsTheNextCallerProbe()
    {
        _options.ConnectAttempts = 1;
        _options.CircuitBreakerFailures = 2;
        ConnectorThrows(UpstreamErrors.Unreachable, "down");
        Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        _clock.Advance(_options.CircuitBreakerCooldown + TimeSpan.FromSeconds(1));

        ConnectorThrows(Unauthorized, "401");
        var unauthorized = Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        Assert.That(unauthorized.Failure, Is.EqualTo(UpstreamErrors.UnauthorizedCode));

        _opened = OpenFreshSessions(_connector);
        Assert.That(await ConnectAsync(BobGithub), Is.Not.Null, "the probe was released, not left in flight");
    }

    [Test]
    public async Task CircuitBreaker_OfOneServer_DoesNotBlockAnother()
    {
        _options.ConnectAttempts = 1;
        _options.CircuitBreakerFailures = 2;
        _connector.Setup(c => c.ConnectAsync(It.Is<ConnectionTarget>(t => t.ServerName == "github"), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(UpstreamErrors.Unreachable("down"));

        Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        Assert.ThrowsAsync<Refused>(() => ConnectAsync(AliceGithub));

        Assert.That(await ConnectAsync(Files), Is.Not.Null);
    }

    [Test]
    public void UnauthorizedFailures_AreNotRetried_AndDoNotCountTowardTheBreaker()
    {
        _options.ConnectAttempts = 2;
        _options.CircuitBreakerFailures = 2;
        ConnectorThrows(Unauthorized, "401");

        var first = Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        Assert.That(first.Failure, Is.EqualTo(UpstreamErrors.UnauthorizedCode));
        VerifyConnects(1);

        Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));
        var third = Assert.ThrowsAsync<Failed>(() => ConnectAsync(AliceGithub));

        Assert.That(third.Message, Is.EqualTo("401"), "no circuit opened");
        VerifyConnects(3);
    }

    [Test]
    public void RejectedFailures_AreNotRetried()
    {
        _options.ConnectAttempts = 3;
        ConnectorThrows(UpstreamErrors.Rejected, "invalid params");

        Assert.ThrowsAsync<Failed>(() => ConnectAsync(Files));

        VerifyConnects(1);
    }

    [Test]
    public async Task UnreachableFailures_AreRetriedWithBackoff()
    {
        _options.ConnectAttempts = 2;
        _options.RetryBackoff = TimeSpan.FromMilliseconds(1);
        var session = new FakeSession([Tool("read")]);
        _connector.SetupSequence(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(UpstreamErrors.Unreachable("blip"))
            .ReturnsAsync(ResultOf.Value(session.Object));

        var connected = await ConnectAsync(Files);

        Assert.That(connected, Is.SameAs(session.Object));
        VerifyConnects(2);
        Assert.That(_pool.Snapshot(Files)?.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public void UnreachableFailures_GiveUpAfterConnectAttempts()
    {
        _options.ConnectAttempts = 2;
        ConnectorThrows(UpstreamErrors.Timeout, "no answer");

        var e = Assert.ThrowsAsync<Failed>(() => ConnectAsync(Files));

        Assert.That(e.Failure, Is.EqualTo(UpstreamErrors.TimeoutCode));
        VerifyConnects(2);
    }

    [Test]
    public async Task ASessionWhoseToolListFails_IsDisposed_AndTheConnectFails()
    {
        _options.ConnectAttempts = 1;
        var session = new FakeSession([]);
        session.Mock.Setup(s => s.ListToolsAsync(It.IsAny<ToolListLimits>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(UpstreamErrors.Protocol("bad tools/list"));
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>())).ReturnsAsync(ResultOf.Value(session.Object));

        Assert.ThrowsAsync<Failed>(() => ConnectAsync(Files));

        Assert.That(session.DisposeCount, Is.EqualTo(1));
        Assert.That(await CachedToolNamesAsync(Files), Is.Null);
    }

    // ---- session lifetime -----------------------------------------------------------------------------------------

    [Test]
    public async Task WhenTheSessionEnds_TheSnapshotTurnsToErrorClosed_AndTheNextUseReconnects()
    {
        await ConnectAsync(Files);

        SessionOf(0).Completion.SetResult();

        Assert.That(() => _pool.Snapshot(Files)?.State, Is.EqualTo(ConnectionState.Error).After(2000, 10));
        Assert.That(_pool.Snapshot(Files)?.Error, Does.Contain("closed"));
        Assert.That(() => SessionOf(0).DisposeCount, Is.EqualTo(1).After(2000, 10));

        var again = await ConnectAsync(Files);
        Assert.That(again, Is.SameAs(SessionOf(1).Object));
        VerifyConnects(2);
    }

    [Test]
    public async Task WhenTheSessionFaults_TheSnapshotTurnsToError()
    {
        await ConnectAsync(Files);

        SessionOf(0).Completion.SetException(new IOException("process exited"));

        Assert.That(() => _pool.Snapshot(Files)?.State, Is.EqualTo(ConnectionState.Error).After(2000, 10));
        Assert.That(_pool.Snapshot(Files)?.Error, Does.Contain("closed"));
    }

    [Test]
    public async Task EvictIdle_ClosesOnlyPerUserSessionsIdleLongerThanTheTimeout()
    {
        _options.UserConnectionIdleTimeout = TimeSpan.FromMinutes(10);
        var aliceFiles = new ConnectionKey("files-private", "alice");
        await ConnectAsync(Files);          // shared, old
        await ConnectAsync(AliceGithub);    // per user, old
        _clock.Advance(TimeSpan.FromMinutes(11));
        await ConnectAsync(aliceFiles);     // per user, recent

        var evicted = await _pool.EvictIdleAsync();

        Assert.That(evicted, Is.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(SessionOf(0).DisposeCount, Is.Zero, "shared sessions are never evicted");
            Assert.That(SessionOf(1).DisposeCount, Is.EqualTo(1), "idle per-user session");
            Assert.That(SessionOf(2).DisposeCount, Is.Zero, "recently used per-user session");
            Assert.That(_pool.Snapshot(AliceGithub), Is.Null);
            Assert.That(_pool.Snapshot(Files)?.State, Is.EqualTo(ConnectionState.Connected));
            Assert.That(_pool.Snapshot(aliceFiles)?.State, Is.EqualTo(ConnectionState.Connected));
        }
    }

    [Test]
    public async Task EvictIdle_CountsUseNotConnectTime()
    {
        _options.UserConnectionIdleTimeout = TimeSpan.FromMinutes(10);
        await ConnectAsync(AliceGithub);
        _clock.Advance(TimeSpan.FromMinutes(8));
        await ConnectAsync(AliceGithub); // reuse refreshes LastUsed
        _clock.Advance(TimeSpan.FromMinutes(8));

        Assert.That(await _pool.EvictIdleAsync(), Is.Zero);
        Assert.That(SessionOf(0).DisposeCount, Is.Zero);
    }

    [Test]
    public async Task PerUserCap_ClosesTheLeastRecentlyUsedOfThatUsersSessions()
    {
        _options.MaxConnectionsPerUser = 2;
        var a = new ConnectionKey("a", "alice");
        var b = new ConnectionKey("b", "alice");
        var c = new ConnectionKey("c", "alice");
        var bobA = new ConnectionKey("a", "bob");
        await ConnectAsync(a);                  // 0
        _clock.Advance(TimeSpan.FromSeconds(1));
        await ConnectAsync(b);                  // 1
        _clock.Advance(TimeSpan.FromSeconds(1));
        await ConnectAsync(bobA);               // 2
        _clock.Advance(TimeSpan.FromSeconds(1));
        await ConnectAsync(a);                  // reuse: a is now more recent than b
        _clock.Advance(TimeSpan.FromSeconds(1));

        await ConnectAsync(c);                  // 3

        using (Assert.EnterMultipleScope())
        {
            Assert.That(SessionOf(1).DisposeCount, Is.EqualTo(1), "b was alice's least recently used");
            Assert.That(SessionOf(0).DisposeCount, Is.Zero);
            Assert.That(SessionOf(2).DisposeCount, Is.Zero, "bob's sessions do not count toward alice's cap");
            Assert.That(SessionOf(3).DisposeCount, Is.Zero);
            Assert.That(_pool.Snapshot(b), Is.Null);
            Assert.That(_pool.Snapshot(a)?.State, Is.EqualTo(ConnectionState.Connected));
            Assert.That(_pool.Snapshot(c)?.State, Is.EqualTo(ConnectionState.Connected));
        }
    }

    [Test]
    public async Task PerUserCap_DoesNotApplyToSharedSessions()
    {
        _options.MaxConnectionsPerUser = 1;
        await ConnectAsync(new ConnectionKey("a", ConnectionKey.Shared));
        await ConnectAsync(new ConnectionKey("b", ConnectionKey.Shared));

        Assert.That(SessionOf(0).DisposeCount, Is.Zero);
        Assert.That(_pool.Snapshot(new ConnectionKey("a", ConnectionKey.Shared))?.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(_pool.Snapshot(new ConnectionKey("b", ConnectionKey.Shared))?.State, Is.EqualTo(ConnectionState.Connected));
    }

    // ---- tools/list_changed ---------------------------------------------------------------------------------------

    [Test]
    public async Task ToolsListChanged_RefreshesTheCachedTools()
    {
        var session = new FakeSession([]);
        session.Mock.SetupSequence(s => s.ListToolsAsync(It.IsAny<ToolListLimits>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Listed(Tool("read")))
            .ReturnsAsync(Listed(Tool("read"), Tool("write")));
        Func<Task>? onToolsChanged = null;
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .Callback<ConnectionTarget, Func<Task>, CancellationToken>((_, callback, _) => onToolsChanged = callback)
            .ReturnsAsync(ResultOf.Value(session.Object));
        await ConnectAsync(AliceGithub);
        Assert.That(await CachedToolNamesAsync(AliceGithub), Is.EqualTo(new[] { "read" }));

        await onToolsChanged!();

        Assert.That(await CachedToolNamesAsync(AliceGithub), Is.EqualTo(new[] { "read", "write" }));
    }

    [Test]
    public async Task AFloodOfToolsListChanged_RelistsOnceAtATime_WithAtMostOneMoreQueued()
    {
        var session = new FakeSession([]);
        var lists = 0;
        var gate = new TaskCompletionSource<Result<IReadOnlyList<ToolInfo>>>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Mock.Setup(s => s.ListToolsAsync(It.IsAny<ToolListLimits>(), It.IsAny<CancellationToken>()))
            .Returns(() => Interlocked.Increment(ref lists) == 1 ? Task.FromResult(Listed(Tool("read"))) : gate.Task);
        Func<Task>? onToolsChanged = null;
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .Callback<ConnectionTarget, Func<Task>, CancellationToken>((_, callback, _) => onToolsChanged = callback)
            .ReturnsAsync(ResultOf.Value(session.Object));
        await ConnectAsync(AliceGithub);

        var notified = Enumerable.Range(0, 10_000).Select(_ => onToolsChanged!()).ToList();

        Assert.That(() => Volatile.Read(ref lists), Is.EqualTo(2).After(2000, 10), "the connect's listing, then one re-listing in flight");
        Assert.That(notified.Select(t => t).Distinct().Count(), Is.LessThanOrEqualTo(2), "the notifications share the run in flight and the one queued");
        gate.SetResult(Listed(Tool("read"), Tool("write")));
        await Task.WhenAll(notified);
        Assert.That(Volatile.Read(ref lists), Is.EqualTo(3), "and one more for everything that arrived meanwhile");
        Assert.That(await CachedToolNamesAsync(AliceGithub), Is.EqualTo(new[] { "read", "write" }));
    }

    [Test]
    public async Task ToolsListChanged_WhenTheNewListFails_ForgetsTheCachedTools()
    {
        await ConnectAsync(Files);
        var opened = _opened.Single();
        opened.Session.Mock.Setup(s => s.ListToolsAsync(It.IsAny<ToolListLimits>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(UpstreamErrors.Protocol("garbage"));

        await opened.OnToolsChanged();

        Assert.That(await CachedToolNamesAsync(Files), Is.Null);
    }

    [Test]
    public async Task Dispose_ClosesEverySession()
    {
        await ConnectAsync(Files);
        await ConnectAsync(AliceGithub);

        await _pool.DisposeAsync();

        Assert.That(_opened.Select(o => o.Session.DisposeCount), Is.All.EqualTo(1));
        Assert.That(_pool.Snapshot(Files), Is.Null);
        Assert.That(_pool.Snapshot(AliceGithub), Is.Null);
    }

    // ---- races that leak sessions ---------------------------------------------------------------------------------

    [Test]
    public async Task Disconnect_DuringAnInFlightConnect_DoesNotLeakTheSession()
    {
        var gate = new TaskCompletionSource<Result<IMcpSession>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>())).Returns(gate.Task);
        var connecting = ConnectAsync(AliceGithub);
        Assert.That(() => _connector.Invocations.Count, Is.EqualTo(1).After(2000, 5));

        await _pool.DisconnectAsync(AliceGithub, None);
        var session = new FakeSession([Tool("read")]);
        gate.SetResult(ResultOf.Value(session.Object));
        try
        {
            await connecting;
        }
        catch (Failed)
        {
            // Failing the superseded attempt would be fine too.
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(session.DisposeCount, Is.EqualTo(1), "nobody owns the session any more, so the pool must close it");
            Assert.That(await CachedToolNamesAsync(AliceGithub), Is.Null, "the disconnected key's tools stay forgotten");
        }
    }

    [Test]
    public async Task SupersededConnect_DoesNotLeakItsSession()
    {
        var gate1 = new TaskCompletionSource<Result<IMcpSession>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate2 = new TaskCompletionSource<Result<IMcpSession>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _connector.SetupSequence(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .Returns(gate1.Task)
            .Returns(gate2.Task);
        var old = ConnectAsync(AliceGithub, Stamp1, credentialStamp: 1);
        Assert.That(() => _connector.Invocations.Count, Is.EqualTo(1).After(2000, 5));
        var fresh = ConnectAsync(AliceGithub, Stamp1, credentialStamp: 2);
        Assert.That(() => _connector.Invocations.Count, Is.EqualTo(2).After(2000, 5));

        var oldSession = new FakeSession([Tool("read")]);
        var freshSession = new FakeSession([Tool("read")]);
        gate1.SetResult(ResultOf.Value(oldSession.Object));
        gate2.SetResult(ResultOf.Value(freshSession.Object));
        Assert.That(await fresh, Is.SameAs(freshSession.Object));
        Assert.That(await old, Is.SameAs(freshSession.Object), "the superseded attempt's callers get the newer session");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_pool.Snapshot(AliceGithub)?.CredentialStamp, Is.EqualTo(2));
            Assert.That(oldSession.DisposeCount, Is.EqualTo(1), "the replaced session must be closed");
            Assert.That(freshSession.DisposeCount, Is.Zero);
        }
    }

    /// <summary>A connect that failed with an upstream error.</summary>
    private sealed class Failed(Error error) : Exception(error.Message)
    {
        public string? Failure => error.ErrorText;
    }

    /// <summary>A connect refused by an open circuit, with the wait it asked for.</summary>
    private sealed class Refused(Error error) : Exception(error.Message)
    {
        public TimeSpan RetryAfter => TimeSpan.FromSeconds((int)error.Extensions!["retryAfterSeconds"]!);
    }
}
