using System.Net;
using System.Text.Json.Nodes;
using McpPlatform.BenchHost;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace McpPlatform.Tests.Api;

/// <summary>
/// The benchmark host (bench/McpPlatform.BenchHost) over the test database: its flat reference for get-by-name keeps
/// the access rule of the real endpoint, and it adds the Server-Timing header the OAuth scenario reads. Servers are
/// created and shared through the default API host; the flat endpoint reads the database itself.
/// </summary>
[NonParallelizable]
public sealed class BenchHostTests : ApiTest
{
    private static WebApplicationFactory<BenchProgram>? _bench;

    [OneTimeSetUp]
    public async Task StartBenchHost()
    {
        _ = await TestRun.StartApiAsync();   // the migrated database and the environment every host reads
        _bench = new WebApplicationFactory<BenchProgram>().WithWebHostBuilder(host => host.UseEnvironment("Testing"));
    }

    [OneTimeTearDown]
    public async Task StopBenchHost()
    {
        if (_bench is not null)
        {
            await _bench.DisposeAsync();
            _bench = null;
        }
    }

    [Test]
    public async Task FlatReference_WithoutView_Is404_LikeAServerThatDoesNotExist()
    {
        var name = (await CreateServerAsync(Alice, new { type = "sse", url = "https://flat.example.com/sse", title = "Flat Private" }))["serverName"]!.GetValue<string>();

        using var bob = await GetFlatAsync(Bob, name);
        using var missing = await GetFlatAsync(Bob, "no-such-server");
        Assert.That(bob.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "Bob holds no entry on Alice's server");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await ProblemAsync(bob), Is.EqualTo(await ProblemAsync(missing)), "the refusal says nothing a missing server would not");
    }

    [Test]
    public async Task FlatReference_IsReadByTheOwner_AViewer_AndAnAdmin()
    {
        var created = await CreateServerAsync(Alice, new { type = "sse", url = "https://flat.example.com/sse", title = "Flat Shared" });
        var name = created["serverName"]!.GetValue<string>();
        await SeeAsync(Bob);
        await ShareAsync(Alice, created["dbId"]!.GetValue<string>(), new { updated = new[] { new { type = "user", id = Bob.UserId, accessRoleId = "mcpServer_viewer" } } });

        foreach (var (caller, bits) in new[] { (Alice, 15), (Bob, 1), (Admin, 0) })
        {
            using var response = await GetFlatAsync(caller, name);
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{caller.UserId}: {body}");
            var row = JsonNode.Parse(body)!;
            Assert.That(row["serverName"]!.GetValue<string>(), Is.EqualTo(name));
            Assert.That(row["permissions"]!.GetValue<int>(), Is.EqualTo(bits), $"{caller.UserId}'s own bits");
        }
    }

    [Test]
    public async Task Responses_CarryServerTiming()
    {
        using var response = await GetAsync(Alice, "/bench/floor?bytes=64");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(string.Join(",", response.Headers.GetValues("Server-Timing")), Does.Match(@"^platform;dur=[0-9.]+, upstream;dur=[0-9.]+$"));
    }

    // The body without what differs per request (its path and trace id).
    private static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        var body = (await ReadJsonAsync(response)).AsObject();
        body.Remove("instance");
        body.Remove("traceId");
        return body.ToJsonString();
    }

    private static Task<HttpResponseMessage> GetFlatAsync(Caller caller, string name) => GetAsync(caller, "/bench/flat/" + name);

    private static async Task<HttpResponseMessage> GetAsync(Caller caller, string path)
    {
        using var client = _bench!.CreateDefaultClient(new Uri("http://localhost"), new RecordingHandler());
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.IssueToken(caller));
        return await client.GetAsync(path);
    }
}
