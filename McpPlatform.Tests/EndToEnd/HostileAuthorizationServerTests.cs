using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// A hostile MCP server with a hostile authorization server behind it (one recording peer playing both): URLs the
/// SPA would open or the platform would post to are refused unless they are absolute https (plain http only to an
/// allowed loopback host), members of the wrong type are treated as absent, and documents that are huge or that never
/// finish arriving are cut off — the API answers within its timeouts, never with a 500, and its memory stays bounded.
/// </summary>
[NonParallelizable]
public sealed class HostileAuthorizationServerTests : ApiTest
{
    /// <summary>What the API may grow by while a hostile peer tries to make it buffer 300 MB (measured, after a warm-up).</summary>
    private const long MemoryBound = 100L * 1024 * 1024;

    protected override Task<ApiFactory> StartHostAsync() => ConnectionsHost.StartAsync();

    [TestCase("authorization_endpoint", "javascript:alert(document.cookie)")]
    [TestCase("authorization_endpoint", "data:text/html,<script>alert(1)</script>")]
    [TestCase("authorization_endpoint", "/authorize")]
    [TestCase("authorization_endpoint", "http://auth.example.com/authorize")]
    [TestCase("authorization_endpoint", 42)]
    [TestCase("token_endpoint", "javascript:void(0)")]
    [TestCase("token_endpoint", "relative/token")]
    [TestCase("registration_endpoint", "ftp://auth.example.com/register")]
    [TestCase("revocation_endpoint", "javascript:void(0)")]
    [TestCase("revocation_endpoint", "https://user:password@auth.example.com/revoke")]
    public async Task AnUnacceptableEndpointInTheMetadata_IsRefusedNamingIt_AndNeverReachesTheSpa(string member, object value)
    {
        await using var hostile = await HostilePeer.StartAsync();
        var metadata = Metadata(hostile);
        metadata[member] = JsonValue.Create(value);
        Protect(hostile, metadata);
        await SeeAsync(Alice);
        var name = await CreateAsync(hostile);

        using var reinit = await As(Alice).PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await ReadJsonAsync(reinit);
        using var call = await As(Alice).PostAsJsonAsync($"/api/mcp/{name}/tools/echo/call", new { arguments = new { } });
        var callText = await call.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reinit.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body["success"]!.GetValue<bool>(), Is.False, body.ToJsonString());
            Assert.That(body["oauthUrl"]?.GetValue<string>(), Is.Null, "nothing for the SPA to open");
            Assert.That(body["message"]!.GetValue<string>(), Does.Contain(member));
            Assert.That((int)call.StatusCode, Is.InRange(400, 599).And.Not.EqualTo(500), callText);
            Assert.That(callText, Does.Not.Contain("javascript:").And.Not.Contain("data:text"));
            Assert.That(hostile.RequestsTo("/register").Concat(hostile.RequestsTo("/token")), Is.Empty, "nothing was sent to the refused source");
        }
    }

    [Test]
    public async Task AProtectedResourceNamingNoUsableIssuer_IsRefused_NotA500()
    {
        await using var hostile = await HostilePeer.StartAsync();
        Protect(hostile, Metadata(hostile), prm: new JsonObject { ["resource"] = hostile.Origin + "/mcp", ["authorization_servers"] = new JsonArray(42, "x") });
        await SeeAsync(Alice);
        var name = await CreateAsync(hostile);

        using var reinit = await As(Alice).PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await ReadJsonAsync(reinit);

        Assert.That(reinit.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body["success"]!.GetValue<bool>(), Is.False, body.ToJsonString());
    }

    [Test]
    public async Task AGiganticMetadataDocument_IsCutOffAtTheBound_AndTheApiStaysWithinItsMemoryBound()
    {
        await using var hostile = await HostilePeer.StartAsync();
        // Discovery afresh on every attempt, so the second one reads the hostile document.
        await using var api = await ApiProcess.StartAsync("hostile-oauth-documents", new Dictionary<string, string> { ["OAuth:DiscoveryCacheTtl"] = "00:00:00" });
        Protect(hostile, Metadata(hostile));
        var name = await CreateAsync(api, hostile);
        await ReinitializeAsync(api, name); // warm-up: the whole discovery path once, answered normally
        GC.Collect();
        await Task.Delay(500);
        var before = api.ResidentBytes();

        // 300 MB of protected-resource metadata, sent as fast as the API reads it; and one declaring its huge length.
        var sent = 0L;
        hostile.On("/.well-known/oauth-protected-resource/mcp", async context =>
        {
            context.Response.ContentType = "application/json";
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)' ');
            await context.Response.Body.WriteAsync("{\"resource\":\""u8.ToArray());
            try
            {
                for (var i = 0; i < 300 * 16 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    Interlocked.Add(ref sent, chunk.Length);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The API hung up: what the test wants.
            }
        });
        var clock = Stopwatch.StartNew();
        var refused = await ReinitializeAsync(api, name);
        var elapsed = clock.Elapsed;
        await Task.Delay(500);
        var after = api.ResidentBytes();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused["success"]!.GetValue<bool>(), Is.False, refused.ToJsonString());
            Assert.That(refused["message"]!.GetValue<string>(), Does.Contain("KiB"), "says the document was too large");
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
            Assert.That(after - before, Is.LessThan(MemoryBound), $"resident memory grew by {(after - before) / 1024 / 1024} MiB while the peer sent {Interlocked.Read(ref sent) / 1024 / 1024} MiB");
        }

        TestContext.Out.WriteLine($"RSS before {before / 1024 / 1024} MiB, after {after / 1024 / 1024} MiB; the peer got {Interlocked.Read(ref sent) / 1024 / 1024} MiB out before the API hung up; answered in {elapsed.TotalSeconds:0.0} s");
    }

    [Test]
    public async Task ADocumentThatDripsForever_TimesOut_AndTheAnswerComesWithinTheTimeout()
    {
        await using var hostile = await HostilePeer.StartAsync();
        Protect(hostile, Metadata(hostile));
        hostile.On("/.well-known/oauth-protected-resource/mcp", async context =>
        {
            context.Response.ContentType = "application/json";
            try
            {
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(" "u8.ToArray(), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(200, context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The API gave up on it.
            }
        });
        await SeeAsync(Alice);
        var name = await CreateAsync(hostile);

        var clock = Stopwatch.StartNew();
        using var reinit = await As(Alice).PostAsync($"/api/mcp/{name}/reinitialize", null);
        var body = await ReadJsonAsync(reinit);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(body["success"]!.GetValue<bool>(), Is.False, body.ToJsonString());
            Assert.That(body["message"]!.GetValue<string>(), Does.Contain("did not answer within"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "one request timeout, not an endless wait");
        }
    }

    /// <summary>Well-formed metadata for an authorization server played by the peer itself.</summary>
    private static JsonObject Metadata(HostilePeer peer) => new()
    {
        ["issuer"] = peer.Origin,
        ["authorization_endpoint"] = peer.Origin + "/authorize",
        ["token_endpoint"] = peer.Origin + "/token",
        ["registration_endpoint"] = peer.Origin + "/register",
        ["revocation_endpoint"] = peer.Origin + "/revoke",
        ["code_challenge_methods_supported"] = new JsonArray("S256"),
    };

    /// <summary>The peer as an MCP server that wants authorization from itself as the authorization server.</summary>
    private static void Protect(HostilePeer peer, JsonObject metadata, JsonObject? prm = null)
    {
        peer.On("/mcp", context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = $"Bearer resource_metadata=\"{peer.Origin}/.well-known/oauth-protected-resource/mcp\"";
            return Task.CompletedTask;
        });
        peer.OnJson("/.well-known/oauth-protected-resource/mcp", (prm ?? new JsonObject { ["resource"] = peer.Origin + "/mcp", ["authorization_servers"] = new JsonArray(peer.Origin) }).ToJsonString());
        peer.OnJson("/.well-known/oauth-authorization-server", metadata.ToJsonString());
        peer.OnJson("/register", """{"client_id":"hostile-client"}""", 201);
    }

    private async Task<string> CreateAsync(HostilePeer peer) =>
        (await CreateServerAsync(Alice, new { type = "streamable-http", url = peer.Origin + "/mcp", title = ConnectionsEndToEndTests.Unique("Hostile AS") }))["serverName"]!.GetValue<string>();

    private static async Task<string> CreateAsync(ApiProcess api, HostilePeer peer)
    {
        using var alice = api.ClientFor(Alice);
        using var created = await alice.PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "streamable-http", url = peer.Origin + "/mcp", title = ConnectionsEndToEndTests.Unique("Hostile AS") } });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (await ReadJsonAsync(created))["serverName"]!.GetValue<string>();
    }

    private static async Task<JsonNode> ReinitializeAsync(ApiProcess api, string name)
    {
        using var alice = api.ClientFor(Alice);
        using var response = await alice.PostAsync($"/api/mcp/{name}/reinitialize", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await ReadJsonAsync(response);
    }
}
