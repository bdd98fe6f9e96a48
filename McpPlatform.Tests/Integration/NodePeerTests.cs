using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Integration;

/// <summary>The <see cref="NodePeer"/> fixture against the real npm peers, with plain HTTP and no platform code.</summary>
public sealed class NodePeerTests
{
    private const string InitializeBody =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"node-peer-tests","version":"0"}}}""";

    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(15);

    [Test]
    public async Task Everything_streamable_answers_initialize_listens_on_loopback_only_and_stops()
    {
        var peer = await NodePeer.StartEverythingStreamableAsync();
        await using (peer)
        {
            TestContext.Out.WriteLine($"streamable server-everything pid {peer.Pid} ready in {peer.StartupTime.TotalMilliseconds:F0} ms at {peer.Url}");
            Assert.That(peer.Url, Is.EqualTo($"http://localhost:{peer.Port}/mcp"));

            using var http = new HttpClient { Timeout = IoTimeout };
            using var response = await http.SendAsync(InitializeRequest(peer.Url));
            var body = await response.Content.ReadAsStringAsync();

            Assert.Multiple(() =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
                Assert.That(body, Does.Contain("mcp-servers/everything"));
                Assert.That(response.Headers.TryGetValues("Mcp-Session-Id", out var sessionIds) ? sessionIds.Single() : null, Is.Not.Null.And.Not.Empty);
            });

            AssertListensOnLoopbackOnly(peer.Port);
            await AssertStopsAndReleasesPortAsync(peer);
        }
    }

    [Test]
    public async Task Everything_sse_opens_a_stream_whose_first_event_is_the_endpoint_and_stops()
    {
        var peer = await NodePeer.StartEverythingSseAsync();
        await using (peer)
        {
            TestContext.Out.WriteLine($"sse server-everything pid {peer.Pid} ready in {peer.StartupTime.TotalMilliseconds:F0} ms at {peer.Url}");
            Assert.That(peer.Url, Is.EqualTo($"http://localhost:{peer.Port}/sse"));

            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            using var read = new CancellationTokenSource(IoTimeout);
            using (var request = new HttpRequestMessage(HttpMethod.Get, peer.Url))
            {
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, read.Token);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));

                await using var stream = await response.Content.ReadAsStreamAsync(read.Token);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var firstEvent = new List<string>();
                while (await reader.ReadLineAsync(read.Token) is { } line)
                {
                    if (line.Length == 0)
                    {
                        if (firstEvent.Count > 0)
                        {
                            break;
                        }

                        continue;
                    }

                    firstEvent.Add(line);
                }

                Assert.That(firstEvent, Does.Contain("event: endpoint"));
                Assert.That(firstEvent.SingleOrDefault(l => l.StartsWith("data:", StringComparison.Ordinal)), Does.Contain("/message?sessionId="));
                await read.CancelAsync();
            }

            AssertListensOnLoopbackOnly(peer.Port);
            await AssertStopsAndReleasesPortAsync(peer);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Sdk_oauth_example_challenges_and_publishes_authorization_server_metadata(bool strict)
    {
        var peer = await NodePeer.StartSdkOAuthAsync(strict);
        await using (peer)
        {
            TestContext.Out.WriteLine($"SDK OAuth example (strict={strict}) pid {peer.Pid} ready in {peer.StartupTime.TotalMilliseconds:F0} ms at {peer.Url}, AS {peer.AuthUrl}");
            Assert.Multiple(() =>
            {
                Assert.That(peer.Url, Is.EqualTo($"http://localhost:{peer.Port}/mcp"));
                Assert.That(peer.AuthUrl, Is.EqualTo($"http://localhost:{peer.AuthPort}/"));
                Assert.That(peer.AuthPort, Is.Not.EqualTo(peer.Port));
            });

            using var http = new HttpClient { Timeout = IoTimeout };
            using (var challenge = await http.SendAsync(InitializeRequest(peer.Url)))
            {
                Assert.That(challenge.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                var wwwAuthenticate = challenge.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? values.ToString() : string.Empty;
                Assert.That(wwwAuthenticate, Does.Contain("resource_metadata"));
            }

            using (var metadata = await http.GetAsync(new Uri($"{peer.AuthUrl}.well-known/oauth-authorization-server")))
            {
                var json = await metadata.Content.ReadAsStringAsync();
                Assert.That(metadata.StatusCode, Is.EqualTo(HttpStatusCode.OK), json);
                using var document = JsonDocument.Parse(json);
                Assert.That(document.RootElement.GetProperty("issuer").GetString(), Is.EqualTo(peer.AuthUrl));
            }

            AssertListensOnLoopbackOnly(peer.Port);
            AssertListensOnLoopbackOnly(peer.AuthPort);
            await AssertStopsAndReleasesPortAsync(peer);
            Assert.That(await AcceptsConnectionAsync(peer.AuthPort), Is.False, "the authorization server's port still accepts connections");
        }
    }

    [Test]
    public async Task Everything_stdio_command_answers_initialize_and_exits_when_stdin_closes()
    {
        var (command, args) = NodePeer.EverythingStdioCommand();
        Assert.That(Path.IsPathFullyQualified(command), Is.True, command);

        var startInfo = new ProcessStartInfo(command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start");
        try
        {
            _ = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteLineAsync(InitializeBody);
            await process.StandardInput.FlushAsync();

            using var read = new CancellationTokenSource(IoTimeout);
            string? result = null;
            while (await process.StandardOutput.ReadLineAsync(read.Token) is { } line)
            {
                if (line.Contains("\"id\":1", StringComparison.Ordinal))
                {
                    result = line;
                    break;
                }
            }

            Assert.That(result, Does.Contain("mcp-servers/everything"));

            process.StandardInput.Close();
            using var exit = new CancellationTokenSource(IoTimeout);
            await process.WaitForExitAsync(exit.Token);
            Assert.That(process.ExitCode, Is.Zero);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Test]
    public void A_peer_that_exits_before_it_is_ready_fails_fast_with_its_output()
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<PeerStartException>(() => NodePeer.StartAsync(
            NodePeer.EverythingScript,
            ["no-such-transport"],
            null,
            [new System.Text.RegularExpressions.Regex("never printed")]));

        Assert.That(error!.Message, Does.Contain("before it was ready").And.Contain("Unknown transport: no-such-transport"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task Stop_is_idempotent_and_dispose_after_stop_is_harmless()
    {
        var peer = await NodePeer.StartEverythingStreamableAsync(new Dictionary<string, string> { ["MY_TEST_VAR"] = "x" });
        await using (peer)
        {
            var first = peer.StopAsync();
            var second = peer.StopAsync();
            Assert.That(second, Is.SameAs(first));
            await Task.WhenAll(first, second);
            Assert.That(peer.HasExited, Is.True);
        }

        Assert.That(peer.HasExited, Is.True);
    }

    private static HttpRequestMessage InitializeRequest(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(InitializeBody, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    /// <summary>
    /// The listening sockets on the port are bound to 127.0.0.1 only: no 0.0.0.0, no [::], no other address.
    /// Read from the kernel's socket table (System.Net.NetworkInformation), so no packet goes to a non-loopback address.
    /// </summary>
    private static void AssertListensOnLoopbackOnly(int port)
    {
        var listeners = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Where(e => e.Port == port).ToList();
        Assert.That(listeners, Is.Not.Empty, $"nothing listens on port {port}");
        Assert.That(listeners.Select(e => e.Address), Is.All.EqualTo(IPAddress.Loopback), $"listeners on port {port}: {string.Join(", ", listeners)}");
    }

    private static async Task AssertStopsAndReleasesPortAsync(NodePeer peer)
    {
        Assert.That(await AcceptsConnectionAsync(peer.Port), Is.True, "the peer does not accept connections on 127.0.0.1");
        var clock = Stopwatch.StartNew();
        await peer.StopAsync();
        TestContext.Out.WriteLine($"pid {peer.Pid} stopped in {clock.Elapsed.TotalMilliseconds:F0} ms");
        var accepts = await AcceptsConnectionAsync(peer.Port);
        Assert.Multiple(() =>
        {
            Assert.That(peer.HasExited, Is.True);
            Assert.That(accepts, Is.False, "the port still accepts connections after StopAsync");
        });
    }

    private static async Task<bool> AcceptsConnectionAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }
}
