using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Mcp;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpPlatform.Tests.Integration;

/// <summary>The SDK connector against a real MCP server (the faulty peer, which counts the requests it receives by
/// JSON-RPC method): the protocol version an endpoint negotiated is remembered, so later connects skip the SDK's
/// <c>server/discover</c> probe, and a server that stops speaking it is negotiated with afresh.</summary>
public sealed class SdkMcpConnectorTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ToolListLimits Limits = new(5, 100, 1_000_000, TimeSpan.FromSeconds(15));
    private static readonly HttpClient PeerControl = new() { Timeout = TimeSpan.FromSeconds(10) };

    private NodePeer _peer = null!;
    private SdkMcpConnector _connector = null!;

    [SetUp]
    public async Task StartPeer()
    {
        _peer = await NodePeer.StartFaultyAsync();
        _connector = new SdkMcpConnector(new SocketsHttpHandler(), NullLoggerFactory.Instance);
    }

    [TearDown]
    public async Task StopPeer() => await _peer.DisposeAsync();

    [Test]
    public async Task ASecondConnect_UsesTheVersionTheEndpointNegotiated_WithoutTheDiscoverProbe()
    {
        await ConnectAndListAsync();
        var first = await PostsAsync();

        var tools = await ConnectAndListAsync();
        var second = await PostsAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first("server/discover"), Is.EqualTo(1), "the first connect probes (the peer predates 2026-07-28)");
            Assert.That(first("initialize"), Is.EqualTo(1));
            Assert.That(second("server/discover"), Is.EqualTo(1), "no second probe");
            Assert.That(second("initialize"), Is.EqualTo(2));
            Assert.That(tools, Does.Contain("echo"));
        }
    }

    [Test]
    public async Task AServerThatNoLongerSpeaksTheRememberedVersion_IsNegotiatedWithAfresh()
    {
        await ConnectAndListAsync();
        await SetModeAsync("oldest-version", "initialize");

        var tools = await ConnectAndListAsync();
        var afterChange = await PostsAsync();
        await ConnectAndListAsync();
        var afterThat = await PostsAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tools, Does.Contain("echo"), "the connect succeeds on 2024-11-05");
            Assert.That(afterChange("initialize"), Is.EqualTo(3), "the remembered version refused, then the handshake afresh");
            Assert.That(afterChange("server/discover"), Is.EqualTo(2), "negotiating afresh probes again");
            Assert.That(afterThat("initialize"), Is.EqualTo(4), "then 2024-11-05 is remembered");
            Assert.That(afterThat("server/discover"), Is.EqualTo(2));
        }
    }

    private async Task<IReadOnlyList<string>> ConnectAndListAsync()
    {
        var target = new ConnectionTarget("faulty", TransportKind.StreamableHttp, new Uri(_peer.Url), new Dictionary<string, string>(), null, [], new Dictionary<string, string>(), TimeSpan.FromSeconds(15));
        await using var session = (await _connector.ConnectAsync(target, () => Task.CompletedTask, None)).Value;
        return [.. (await session.ListToolsAsync(Limits, None)).Value.Select(t => t.Name)];
    }

    private async Task<Func<string, int>> PostsAsync()
    {
        var posts = JsonNode.Parse(await PeerControl.GetStringAsync(new Uri(new Uri(_peer.Url), "/__stats")))!["posts"]!;
        return method => posts[method]?.GetValue<int>() ?? 0;
    }

    private async Task SetModeAsync(string mode, params string[] methods)
    {
        using var response = await PeerControl.PostAsJsonAsync(new Uri(new Uri(_peer.Url), "/__mode"), new { mode, methods });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
