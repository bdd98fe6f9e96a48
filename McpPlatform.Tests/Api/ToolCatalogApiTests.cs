using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Api;

/// <summary>
/// <c>GET /api/mcp/tools</c> is rendered once per caller and served again while nothing it shows has changed: every
/// change that does must show in the next answer on the instance that made it, and within the revisions' freshness
/// on another one sharing Redis.
/// </summary>
[NonParallelizable]
public sealed class ToolCatalogApiTests : ApiTest
{
    private async Task<(JsonObject Servers, byte[] Body)> ToolsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/mcp/tools");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        return (JsonNode.Parse(body)!["servers"]!.AsObject(), body);
    }

    private static string[] PluginKeys(JsonObject servers, string name) =>
        [.. servers[name]!["tools"]!.AsArray().Select(t => t!["pluginKey"]!.GetValue<string>())];

    [Test]
    public async Task TheCatalogue_ShowsEachChange_AndIsTheSameBytesBetweenThem()
    {
        await SeeAsync(Bob);
        var created = await CreateServerAsync(Alice, new { type = "sse", url = "https://mcp.example.com/sse", title = "Catalogue Share" });
        var name = created["serverName"]!.GetValue<string>();
        var dbId = created["dbId"]!.GetValue<string>();
        Assert.That((await ToolsAsync(As(Bob))).Servers.ContainsKey(name), Is.False, "not shared with Bob yet");

        await ShareAsync(Alice, dbId, new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_viewer" } } });
        var shared = await ToolsAsync(As(Bob));
        Assert.That(PluginKeys(shared.Servers, name), Is.Empty, "shared: listed, no tools known yet");
        Assert.That((await ToolsAsync(As(Bob))).Body, Is.EqualTo(shared.Body), "nothing changed: the same answer");

        // A connection (on any instance) lists the server's tools.
        await Api.Services.GetRequiredService<IToolCache>().SetAsync(name, ConnectionKey.Shared, [new ToolInfo("echo", "Echoes", null)], CancellationToken.None);
        Assert.That(PluginKeys((await ToolsAsync(As(Bob))).Servers, name), Is.EqualTo(new[] { $"echo_mcp_{name}" }));

        using (var patch = await As(Alice).PatchAsJsonAsync($"/api/mcp/servers/{name}",
                   new { config = new { type = "sse", url = "https://mcp.example.com/other-sse", title = "Catalogue Share", iconPath = "https://mcp.example.com/icon.svg" } }))
        {
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var patched = (await ToolsAsync(As(Bob))).Servers;
        Assert.That(patched[name]!["icon"]!.GetValue<string>(), Is.EqualTo("https://mcp.example.com/icon.svg"), "the changed config");
        Assert.That(PluginKeys(patched, name), Is.Empty, "a changed URL forgets the old tools");

        await ShareAsync(Alice, dbId, new { removed = new[] { new { type = "user", id = "bob" } } });
        Assert.That((await ToolsAsync(As(Bob))).Servers.ContainsKey(name), Is.False, "no longer shared");
    }

    [Test]
    public async Task AChangeMadeThroughAnotherInstance_ShowsInThisOnesNextAnswer()
    {
        if (Environment.GetEnvironmentVariable("ConnectionStrings__Redis") is null)
        {
            Assert.Ignore("Needs Redis (./scripts/test.sh starts one).");
        }

        var other = await ConnectionsHost.StartAsync();
        var name = (await CreateServerAsync(Alice, new { type = "sse", url = "https://mcp.example.com/sse", title = "Catalogue Elsewhere" }))["serverName"]!.GetValue<string>();
        Assert.That(PluginKeys((await ToolsAsync(As(Alice))).Servers, name), Is.Empty);

        await other.Services.GetRequiredService<IToolCache>().SetAsync(name, ConnectionKey.Shared, [new ToolInfo("sum", null, null)], CancellationToken.None);
        var stored = await SeenWithinAsync(servers => servers.ContainsKey(name) && PluginKeys(servers, name).Length == 1);
        Assert.That(stored, Is.LessThan(Propagation), "tools stored by the other instance");

        using (var delete = await other.ClientFor(Alice).DeleteAsync($"/api/mcp/servers/{name}"))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var deleted = await SeenWithinAsync(servers => !servers.ContainsKey(name));
        Assert.That(deleted, Is.LessThan(Propagation), "deleted through the other instance");
        TestContext.Out.WriteLine($"seen by this instance after {stored.TotalMilliseconds:F0} ms (tools) and {deleted.TotalMilliseconds:F0} ms (delete)");
    }

    /// <summary>Another instance's change is seen once this one's copy of the revisions is older than their freshness.</summary>
    private static readonly TimeSpan Propagation = RedisCatalogRevisions.Freshness + TimeSpan.FromSeconds(1);

    /// <summary>How long until Alice's catalogue on this instance satisfies the condition (polled, bounded).</summary>
    private async Task<TimeSpan> SeenWithinAsync(Func<JsonObject, bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition((await ToolsAsync(As(Alice))).Servers) && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(25);
        }

        return watch.Elapsed;
    }
}
