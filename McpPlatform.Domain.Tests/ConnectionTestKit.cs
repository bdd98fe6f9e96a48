using System.Collections.Concurrent;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Servers;
using Moq;

namespace McpPlatform.Domain.Tests;

/// <summary>Test doubles shared by the connection and OAuth unit tests: a hand-driven clock and fake MCP sessions.</summary>
public static class ConnectionTestKit
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>A clock that only moves when told to. Timers (Task.Delay with it) still run on real time.</summary>
    public sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public Clock()
            : this(T0)
        {
        }

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>A Moq session whose <see cref="IMcpSession.Completion"/> is a task the test completes.</summary>
    public sealed class FakeSession
    {
        public FakeSession(IReadOnlyList<ToolInfo> tools)
        {
            Mock.Setup(s => s.Completion).Returns(Completion.Task);
            Mock.Setup(s => s.ListToolsAsync(It.IsAny<ToolListLimits>(), It.IsAny<CancellationToken>())).ReturnsAsync(ResultOf.Value(tools));
            Mock.Setup(s => s.DisposeAsync()).Returns(ValueTask.CompletedTask);
        }

        public Mock<IMcpSession> Mock { get; } = new();

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named as Moq names the mocked object, which it hands on.")]
        public IMcpSession Object => Mock.Object;

        public int DisposeCount => Mock.Invocations.Count(i => i.Method.Name == nameof(IAsyncDisposable.DisposeAsync));
    }

    /// <summary>One connect the fake connector answered.</summary>
    public sealed record Opened(ConnectionTarget Target, FakeSession Session, Func<Task> OnToolsChanged);

    public static ToolInfo Tool(string name) => new(name, $"{name} tool", null);

    /// <summary>A connect that answers with the session.</summary>
    public static Task<Result<IMcpSession>> Connected(IMcpSession session) => Task.FromResult(ResultOf.Value(session));

    /// <summary>A tools/list that answers with the tools.</summary>
    public static Result<IReadOnlyList<ToolInfo>> Listed(params ToolInfo[] tools) => ResultOf.Value<IReadOnlyList<ToolInfo>>(tools);

    public static ConnectionTarget Target(string serverName) => new(
        serverName, TransportKind.StreamableHttp, new Uri($"https://{serverName}.example.com/mcp"),
        new Dictionary<string, string>(), null, [], new Dictionary<string, string>(), TimeSpan.FromSeconds(5));

    /// <summary>Makes the connector open a fresh session per call (tools: <c>&lt;server&gt;_tool</c>) and records each.</summary>
    public static ConcurrentQueue<Opened> OpenFreshSessions(Mock<IMcpConnector> connector)
    {
        var opened = new ConcurrentQueue<Opened>();
        connector.Setup(c => c.ConnectAsync(It.IsAny<ConnectionTarget>(), It.IsAny<Func<Task>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ConnectionTarget target, Func<Task> onToolsChanged, CancellationToken _) =>
            {
                var session = new FakeSession([Tool(target.ServerName + "_tool")]);
                opened.Enqueue(new Opened(target, session, onToolsChanged));
                return ResultOf.Value(session.Object);
            });
        return opened;
    }
}
