using System.Collections.Concurrent;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Infrastructure.Mcp.Sessions;
using Moq;
using static McpPlatform.Domain.Tests.ConnectionTestKit;

namespace McpPlatform.Tests.Unit;

/// <summary>What the session runtime records on the connection board, with a recording board and a mocked connector:
/// each transition, the request-caused ones before the request's caller hears back; a disconnect clears the key for
/// every instance; a close requested by another instance, a server change and an idle eviction remove this instance's
/// state.</summary>
public sealed class ConnectionBoardRecordingTests
{
    private static readonly ConnectionKey Files = new("files", ConnectionKey.Shared);
    private static readonly ConnectionKey AliceGithub = new("github", "alice");
    private static readonly CancellationToken None = CancellationToken.None;

    private Clock _clock = null!;
    private Mock<IMcpConnector> _connector = null!;
    private ConcurrentQueue<Opened> _opened = null!;
    private ConnectionOptions _options = null!;
    private RecordingBoard _board = null!;
    private McpSessionPool _pool = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new Clock();
        _connector = new Mock<IMcpConnector>();
        _opened = OpenFreshSessions(_connector);
        _options = new ConnectionOptions { RetryBackoff = TimeSpan.FromMilliseconds(1), ConnectAttempts = 1 };
        _board = new RecordingBoard();
        _pool = new McpSessionPool(_connector.Object, new ToolCatalogWriter(new MemoryToolCache(new MemoryCatalogRevisions())), _clock, _options, _board);
    }

    [TearDown]
    public async Task TearDown() => await _pool.DisposeAsync();

    private Task<Result<IMcpSession>> ConnectAsync(ConnectionKey key, long credentialStamp = 0) =>
        _pool.GetOrConnectAsync(key, () => Target(key.ServerName), T0, credentialStamp, None);

    [Test]
    public async Task AConnect_RecordsConnectingThenConnected_BeforeItsCallerHearsBack()
    {
        var connected = await ConnectAsync(AliceGithub, credentialStamp: 4);

        Assert.That(connected.IsSuccess, Is.True);
        Assert.That(_board.Events, Is.EqualTo(new[]
        {
            $"record {AliceGithub} {new ConnectionSnapshot(ConnectionState.Connecting, null, T0)}",
            $"record {AliceGithub} {new ConnectionSnapshot(ConnectionState.Connected, null, T0, 4)}",
        }));
    }

    [Test]
    public async Task AFailedConnect_RecordsTheErrorWithItsMessage()
    {
        _connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(UpstreamErrors.Unreachable("Connection refused"));

        var connected = await ConnectAsync(Files);

        Assert.That(connected.IsSuccess, Is.False);
        Assert.That(_board.Events[^1], Does.StartWith($"record {Files} ConnectionSnapshot {{ State = Error, Error = ").And.Contain("Connection refused"));
    }

    [Test]
    public async Task ASessionThatEndsOnItsOwn_IsRecordedAsAnError()
    {
        await ConnectAsync(Files);

        _opened.Single().Session.Completion.SetResult();

        Assert.That(() => _board.Events.Count, Is.EqualTo(3).After(2000, 10));
        Assert.That(_board.Events[^1], Does.StartWith($"record {Files} ConnectionSnapshot {{ State = Error").And.Contain("closed"));
    }

    [Test]
    public async Task ADisconnect_ClearsTheKeyForEveryInstance()
    {
        await ConnectAsync(AliceGithub);

        await _pool.DisconnectAsync(AliceGithub, None);

        Assert.That(_board.Events[^1], Is.EqualTo($"clear {AliceGithub}"));
    }

    [Test]
    public async Task ACloseFromAnotherInstance_ClosesTheSession_AndRemovesThisInstancesState()
    {
        await ConnectAsync(AliceGithub);

        await _pool.CloseHereAsync(AliceGithub);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_opened.Single().Session.DisposeCount, Is.EqualTo(1));
            Assert.That(_pool.Snapshot(AliceGithub), Is.Null);
            Assert.That(_board.Events[^1], Is.EqualTo($"record {AliceGithub} {new ConnectionSnapshot(ConnectionState.Disconnected, null, null)}"));
        }
    }

    [Test]
    public async Task AServerChangeAndAnIdleEviction_RemoveThisInstancesStates()
    {
        _options.UserConnectionIdleTimeout = TimeSpan.FromMinutes(10);
        await ConnectAsync(Files);
        await ConnectAsync(AliceGithub);
        _board.Events.Clear();

        await _pool.DropServerAsync("files", None);
        _clock.Advance(TimeSpan.FromMinutes(11));
        await _pool.EvictIdleAsync();

        var closed = new ConnectionSnapshot(ConnectionState.Disconnected, null, null);
        Assert.That(_board.Events, Is.EqualTo(new[] { $"record {Files} {closed}", $"record {AliceGithub} {closed}" }));
    }

    /// <summary>A board that writes down what it is told.</summary>
    private sealed class RecordingBoard : IConnectionBoard
    {
        public List<string> Events { get; } = [];

        public Task RecordAsync(ConnectionKey key, ConnectionSnapshot snapshot, CancellationToken ct)
        {
            lock (Events)
            {
                Events.Add($"record {key} {snapshot}");
            }

            return Task.CompletedTask;
        }

        public Task ClearAsync(ConnectionKey key, CancellationToken ct)
        {
            lock (Events)
            {
                Events.Add($"clear {key}");
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ConnectionSnapshot>>?> ReadAsync(IReadOnlyList<string> owners, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ConnectionSnapshot>>?>(null);
    }
}
