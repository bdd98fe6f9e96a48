using System.Diagnostics;
using System.Text;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Mcp;
using McpPlatform.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpPlatform.Tests.Integration;

/// <summary>
/// The SDK connector's bound on the size of each MCP message (<c>Mcp:MaxMessageBytes</c>), against a hand-written
/// server answering <c>tools/list</c> as the test needs: a JSON body counts as a whole (and one announced too large
/// is not read at all), an SSE stream per event whatever its line endings, so a stream longer than the bound passes as
/// long as each event fits; a message over it fails as too large (<see cref="UpstreamErrors.TooLargeCode"/>) and ends the session.
/// Also: a session whose server never answers the closing DELETE still closes promptly.
/// </summary>
public sealed class McpMessageBoundTests
{
    private const int Bound = 64 * 1024;
    private static readonly ToolListLimits Limits = new(5, 100_000, 100_000_000, TimeSpan.FromSeconds(10));

    private HostileMcpServer _server = null!;

    [SetUp]
    public async Task StartServer() => _server = await HostileMcpServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task AJsonAnswerAnnouncedOverTheBound_FailsTooLarge_AndEndsTheSession()
    {
        _server.ToolsList = (context, id) =>
        {
            var body = HostileMcpServer.Response(id, ToolsJson(2_000, ","));
            context.Response.ContentLength = Encoding.UTF8.GetByteCount(body);
            return HostileMcpServer.WriteJsonAsync(context, body);
        };
        await using var session = await ConnectAsync(Bound);

        var failure = (await session.ListToolsAsync(Limits, CancellationToken.None)).Error;

        Assert.That(failure?.ErrorText, Is.EqualTo(UpstreamErrors.TooLargeCode), failure?.Message);
        Assert.That(failure!.Message, Does.Contain("larger than 65536 bytes"));
        Assert.That(() => session.Completion.IsCompleted, Is.True.After(2000, 10), "the session is over");
    }

    [TestCase("\n")]
    [TestCase("\r\n")]
    [TestCase("\r")]
    public async Task SseEventsWithinTheBound_PassHoweverLongTheStream(string newline)
    {
        // 40 log notifications of 4 KiB each before the answer: 160 KiB in all, no event over 64 KiB.
        var padding = new string('x', 4096);
        var notification = $$$"""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"{{{padding}}}"}}""";
        _server.ToolsList = (context, id) => WriteSseAsync(context, newline,
            [.. Enumerable.Repeat(notification, 40).Select(n => new[] { n }), ToolsEvent(id, 10, newline)]);
        await using var session = await ConnectAsync(Bound);

        var tools = (await session.ListToolsAsync(Limits, CancellationToken.None)).Value;

        Assert.That(tools, Has.Count.EqualTo(10));
    }

    [TestCase("\n")]
    [TestCase("\r\n")]
    [TestCase("\r")]
    public async Task AnSseEventOverTheBound_FailsTooLarge_ThoughEachOfItsLinesIsShort(string newline)
    {
        // One event of 2,000 data lines of ~50 bytes (~100 KiB), a valid answer were the bound larger.
        _server.ToolsList = (context, id) => WriteSseAsync(context, newline, [ToolsEvent(id, 2_000, newline)]);
        await using (var roomy = await ConnectAsync(1024 * 1024))
        {
            Assert.That((await roomy.ListToolsAsync(Limits, CancellationToken.None)).Value, Has.Count.EqualTo(2_000), "the answer itself is valid");
        }

        await using var session = await ConnectAsync(Bound);
        var failure = (await session.ListToolsAsync(Limits, CancellationToken.None)).Error;

        Assert.That(failure?.ErrorText, Is.EqualTo(UpstreamErrors.TooLargeCode), failure?.Message);
    }

    [Test]
    public async Task ASessionWhoseServerNeverAnswersTheClosingDelete_ClosesWithinTheGrace()
    {
        _server.Delete = _server.HangAsync;
        var session = await ConnectAsync(Bound);
        await session.ListToolsAsync(Limits, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        await session.DisposeAsync();

        Assert.That(clock.Elapsed, Is.LessThan(UpstreamBoundsGrace + TimeSpan.FromSeconds(3)));
        Assert.That(_server.ReceivedHttp("DELETE"), Is.EqualTo(1), "the DELETE was sent");
    }

    private static readonly TimeSpan UpstreamBoundsGrace = TimeSpan.FromSeconds(2);

    private async Task<IMcpSession> ConnectAsync(long maxMessageBytes) =>
        (await new SdkMcpConnector(new SocketsHttpHandler(), NullLoggerFactory.Instance, maxMessageBytes).ConnectAsync(
            new ConnectionTarget("bounded", TransportKind.StreamableHttp, new Uri(_server.Url), new Dictionary<string, string>(), null, [],
                new Dictionary<string, string>(), TimeSpan.FromSeconds(10)),
            () => Task.CompletedTask,
            CancellationToken.None)).Value;

    /// <summary>A tools/list result of <paramref name="count"/> tools, one per line.</summary>
    private static string ToolsJson(int count, string separator) =>
        "{\"tools\":[" + string.Join(separator, Enumerable.Range(0, count).Select(i => $$$"""{"name":"t{{{i}}}","inputSchema":{"type":"object"}}""")) + "]}";

    /// <summary>The JSON-RPC answer as the data lines of one event: one tool per line.</summary>
    private static string[] ToolsEvent(System.Text.Json.Nodes.JsonNode? id, int count, string newline) =>
        HostileMcpServer.Response(id, ToolsJson(count, "," + newline)).Split(newline);

    /// <summary>Each event as <c>event: message</c> and its data lines, ended by a blank line; everything with <paramref name="newline"/>.</summary>
    private Task WriteSseAsync(HttpContext context, string newline, IReadOnlyList<string[]> events)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        return _server.UntilStoppedAsync(context, async ct =>
        {
            foreach (var lines in events)
            {
                var text = new StringBuilder("event: message").Append(newline);
                foreach (var line in lines)
                {
                    text.Append("data: ").Append(line).Append(newline);
                }

                await context.Response.WriteAsync(text.Append(newline).ToString(), ct);
            }
        });
    }
}
