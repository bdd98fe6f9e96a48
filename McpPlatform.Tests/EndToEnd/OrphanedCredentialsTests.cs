using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using McpPlatform.Domain.Servers;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// Credentials belong to a server's immutable id, never its name: an app-level server removed from configuration
/// leaves nothing for a new server that takes its name, and what it left is purged (and audited) when an instance
/// starts without it. Runs its own API hosts, one per configuration.
/// </summary>
[NonParallelizable]
public sealed class OrphanedCredentialsTests : ApiTest
{
    private const string Name = "legacy-tools";
    private const string CarolsKey = "carol-legacy-key-2b8e41";

    [Test]
    public async Task AnAppServerRemovedFromConfiguration_LeavesNoCredentialsToANewServerOfItsName()
    {
        await SeeAsync(Alice, Carol);
        await using (var before = new ApiFactory(new Dictionary<string, string>
        {
            [$"Mcp:Servers:{Name}:type"] = "streamable-http",
            [$"Mcp:Servers:{Name}:url"] = "https://legacy.example.com/mcp",
            [$"Mcp:Servers:{Name}:startup"] = "false",
            [$"Mcp:Servers:{Name}:headers:X-Key"] = "{{KEY}}",
            [$"Mcp:Servers:{Name}:customUserVars:KEY:title"] = "Legacy key",
        }))
        {
            using var carol = before.ClientFor(Carol);
            using var install = await carol.PostAsJsonAsync("/api/user/plugins", new { pluginKey = $"mcp_{Name}", action = "install", auth = new Dictionary<string, string> { ["KEY"] = CarolsKey } });
            Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.OK), await install.Content.ReadAsStringAsync());
        }

        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM credential_variables"), Is.EqualTo(1));

        // The next start of an instance whose configuration no longer has the server.
        await using var after = new ApiFactory();
        _ = after.Services;
        var clock = Stopwatch.StartNew();
        while (await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM credential_variables") > 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM credential_variables"), Is.Zero, "purged at start-up");
        using (var admin = after.ClientFor(Admin))
        using (var audit = await admin.GetAsync($"/api/admin/audit?resource={ServerIds.ForAppServer(Name)}"))
        {
            var entry = (await ReadJsonAsync(audit))["entries"]!.AsArray().Single()!;
            Assert.That(entry["action"]!.GetValue<string>(), Is.EqualTo("credentials.purged"));
            Assert.That(entry["details"]!["variablesDeleted"]!.GetValue<string>(), Is.EqualTo("1"));
        }

        // A user-managed server now takes the name: Carol's key from the old one is not there for it.
        using var alice = after.ClientFor(Alice);
        using var created = await alice.PostAsJsonAsync("/api/mcp/servers", new
        {
            config = new
            {
                type = "streamable-http",
                url = "https://other.example.com/mcp",
                title = "Legacy Tools",
                headers = new Dictionary<string, string> { ["X-Key"] = "{{KEY}}" },
                customUserVars = new Dictionary<string, object> { ["KEY"] = new { title = "Legacy key" } },
            },
        });
        var server = await ReadJsonAsync(created);
        Assert.That(server["serverName"]!.GetValue<string>(), Is.EqualTo(Name));
        using (var share = await alice.PutAsJsonAsync($"/api/permissions/mcpServer/{server["dbId"]}", new { updated = new[] { new { type = "user", id = "carol", accessRoleId = "mcpServer_viewer" } } }))
        {
            Assert.That(share.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var carolsView = after.ClientFor(Carol);
        using var flags = await carolsView.GetAsync($"/api/mcp/{Name}/auth-values");
        Assert.That((await ReadJsonAsync(flags))["authValueFlags"]!["KEY"]!.GetValue<bool>(), Is.False, "nothing inherited by name");
    }

    [Test]
    public async Task AnAppServerWhoseConfigurationNowSendsCredentialsElsewhere_HasThemPurged_ButAnUnchangedOneKeepsThem()
    {
        await SeeAsync(Carol);
        var servers = new Dictionary<string, string>
        {
            ["Mcp:Servers:kept-app:type"] = "streamable-http",
            ["Mcp:Servers:kept-app:url"] = "https://kept.example.com/mcp",
            ["Mcp:Servers:kept-app:startup"] = "false",
            ["Mcp:Servers:kept-app:headers:X-Key"] = "{{KEY}}",
            ["Mcp:Servers:kept-app:customUserVars:KEY:title"] = "Key",
            ["Mcp:Servers:moved-app:type"] = "streamable-http",
            ["Mcp:Servers:moved-app:url"] = "https://moved.example.com/mcp",
            ["Mcp:Servers:moved-app:startup"] = "false",
            ["Mcp:Servers:moved-app:headers:X-Key"] = "{{KEY}}",
            ["Mcp:Servers:moved-app:customUserVars:KEY:title"] = "Key",
        };
        await using (var before = new ApiFactory(servers))
        {
            using var carol = before.ClientFor(Carol);
            foreach (var name in new[] { "kept-app", "moved-app" })
            {
                using var install = await carol.PostAsJsonAsync("/api/user/plugins", new { pluginKey = $"mcp_{name}", action = "install", auth = new Dictionary<string, string> { ["KEY"] = CarolsKey } });
                Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.OK), await install.Content.ReadAsStringAsync());
            }
        }

        servers["Mcp:Servers:moved-app:url"] = "https://elsewhere.example.net/mcp";
        await using var after = new ApiFactory(servers);
        await using (var scope = after.Services.CreateAsyncScope())
        {
            var purge = scope.ServiceProvider.GetRequiredService<Infrastructure.Persistence.OrphanedCredentialPurge>();
            await purge.PurgeAsync(scope.ServiceProvider.GetRequiredService<Infrastructure.Persistence.PlatformDbContext>(), DateTimeOffset.UtcNow, CancellationToken.None);
        }

        using var view = after.ClientFor(Carol);
        using var kept = await view.GetAsync("/api/mcp/kept-app/auth-values");
        using var moved = await view.GetAsync("/api/mcp/moved-app/auth-values");
        using (Assert.EnterMultipleScope())
        {
            Assert.That((await ReadJsonAsync(kept))["authValueFlags"]!["KEY"]!.GetValue<bool>(), Is.True);
            Assert.That((await ReadJsonAsync(moved))["authValueFlags"]!["KEY"]!.GetValue<bool>(), Is.False, "entered for another destination");
            Assert.That(await TestDatabase.ScalarAsync<long>($"SELECT count(*) FROM credential_variables WHERE server_id = '{ServerIds.ForAppServer("moved-app")}'"), Is.Zero);
        }
    }
}
