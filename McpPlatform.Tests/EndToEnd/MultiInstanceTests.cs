using System.Net;
using McpPlatform.Domain.Connections;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>Two API instances (two hosts in this process, each with its own connection pool) sharing PostgreSQL and Redis.</summary>
[NonParallelizable]
public sealed class MultiInstanceTests : ApiTest
{
    protected override Task<ApiFactory> StartHostAsync() => ConnectionsHost.StartAsync();

    [Test]
    public async Task AServerDeletedOnOneInstance_IsDroppedByTheOther()
    {
        if (Environment.GetEnvironmentVariable("ConnectionStrings__Redis") is null)
        {
            Assert.Ignore("Needs Redis (./scripts/test.sh starts one).");
        }

        await using var peer = await NodePeer.StartEverythingStreamableAsync();
        var other = await TestRun.StartApiAsync();
        var name = (await CreateServerAsync(Alice, new { type = "streamable-http", url = peer.Url, title = ConnectionsEndToEndTests.Unique("Shared Change") }))["serverName"]!.GetValue<string>();
        using (var reinit = await As(Alice).PostAsync($"/api/mcp/{name}/reinitialize", null))
        {
            Assert.That((await ReadJsonAsync(reinit))["success"]!.GetValue<bool>(), Is.True);
        }

        var pool = Api.Services.GetRequiredService<IMcpSessions>();
        var key = new ConnectionKey(name, ConnectionKey.Shared);
        Assert.That(pool.Snapshot(key)?.State, Is.EqualTo(ConnectionState.Connected));

        // The other host refuses loopback URLs, so the change it makes is a delete.
        using (var delete = await other.ClientFor(Alice).DeleteAsync($"/api/mcp/servers/{name}"))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.OK), "deleted through the other instance");
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (pool.Snapshot(key) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.That(pool.Snapshot(key), Is.Null, "this instance dropped its connection when told through Redis");
    }
}
