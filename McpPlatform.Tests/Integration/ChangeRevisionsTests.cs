using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Integration;

/// <summary>The registry revision on PostgreSQL: every committed change to servers or their ACL moves it, the reader
/// sees the move as soon as the change returns, and a database restored to an older value cannot bring back a
/// revision an instance still keeps older reads at.</summary>
public sealed class ChangeRevisionsTests : ApiTest
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<long> ReadAsync() => (await Api.Services.GetRequiredService<IChangeRevisions>().ReadAsync(None)).Registry;

    private async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> change)
    {
        await using var scope = Api.Services.CreateAsyncScope();
        return await change(scope.ServiceProvider);
    }

    private static AuditEvent Event(string action) => new("alice", action, "test", "x");

    [Test]
    public async Task EveryChange_MovesTheRegistryRevision_SeenByTheNextRead()
    {
        var seen = new List<long> { await ReadAsync() };
        var (server, _) = await InScopeAsync(sp => sp.GetRequiredService<IServerRepository>().CreateAsync(
            new NewServer(new McpServerConfig { Type = "sse", Url = "https://mcp.example.com/sse" }, "alice", null), _ => "moved", 10, _ => Event(AuditActions.ServerCreated), None));
        seen.Add(await ReadAsync());
        await InScopeAsync(sp => sp.GetRequiredService<IAclRepository>().ApplyAsync(server!.Id, new AclChangeSet([(PrincipalKey.Group("team-a"), AccessRoles.Viewer)], []), "alice", Event(AuditActions.AclChanged), None));
        seen.Add(await ReadAsync());
        await InScopeAsync(sp => sp.GetRequiredService<IServerRepository>().UpdateAsync(server!.Id, server.Config with { Title = "Moved" }, null, false, Event(AuditActions.ServerUpdated), None));
        seen.Add(await ReadAsync());
        await InScopeAsync(async sp => { await sp.GetRequiredService<IServerRepository>().MarkRequiresOAuthAsync("moved", None); return true; });
        seen.Add(await ReadAsync());
        await InScopeAsync(async sp => { await sp.GetRequiredService<IServerRepository>().MarkRequiresOAuthAsync("moved", None); return true; });
        var afterSecondMark = await ReadAsync();
        await InScopeAsync(sp => sp.GetRequiredService<IServerRepository>().DeleteAsync(server!.Id, null, Event(AuditActions.ServerDeleted), None));
        seen.Add(await ReadAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen, Is.Ordered.Ascending.And.Unique, "create, share, update, mark, delete: each moved it, and the next read saw it");
            Assert.That(afterSecondMark, Is.EqualTo(seen[4]), "marking a server already marked changes nothing, so moves nothing");
        }
    }

    [Test]
    public async Task ARestoredDatabase_CannotBringBackARevisionAlreadyServed()
    {
        await InScopeAsync(sp => sp.GetRequiredService<IServerRepository>().CreateAsync(
            new NewServer(new McpServerConfig { Type = "sse", Url = "https://mcp.example.com/sse" }, "alice", null), _ => "first", 10, _ => Event(AuditActions.ServerCreated), None));
        var served = await ReadAsync();

        // A backup from before: the revision goes back, and the next change counts on from there.
        await TestDatabase.ScalarAsync<object>("UPDATE revisions SET value = 2 WHERE scope = 'registry'");
        await InScopeAsync(sp => sp.GetRequiredService<IServerRepository>().CreateAsync(
            new NewServer(new McpServerConfig { Type = "sse", Url = "https://mcp.example.com/sse" }, "alice", null), _ => "second", 10, _ => Event(AuditActions.ServerCreated), None));

        Assert.That(await ReadAsync(), Is.GreaterThan(served), "moves go past the clock in microseconds, not just past the restored value");
    }

    [Test]
    public async Task EveryChange_LogsWhatItTouched_SoThatValuesOfOtherScopesStayCurrent()
    {
        var revisions = Api.Services.GetRequiredService<IChangeRevisions>();
        var start = await revisions.ReadAsync(None);
        string[] bobsLists = [RegistryScopes.Principal(PrincipalKey.User("bob"))];
        string[] teamLists = [RegistryScopes.Principal(PrincipalKey.Group("team-a"))];

        var (server, _) = await InScopeAsync(sp => sp.GetRequiredService<IServerRepository>().CreateAsync(
            new NewServer(new McpServerConfig { Type = "sse", Url = "https://mcp.example.com/sse" }, "alice", null), _ => "logged", 10, _ => Event(AuditActions.ServerCreated), None));
        var created = await revisions.ReadAsync(None);
        await InScopeAsync(sp => sp.GetRequiredService<IAclRepository>().ApplyAsync(server!.Id, new AclChangeSet([(PrincipalKey.Group("team-a"), AccessRoles.Viewer)], []), "alice", Event(AuditActions.AclChanged), None));
        var shared = await revisions.ReadAsync(None);
        await InScopeAsync(sp => sp.GetRequiredService<IAclRepository>().ApplyAsync(server!.Id, new AclChangeSet([], [PrincipalKey.Group("team-a")]), "alice", Event(AuditActions.AclChanged), None));
        var unshared = await revisions.ReadAsync(None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.StillCurrent(start.Registry, [RegistryScopes.Principal(PrincipalKey.User("alice"))]), Is.False, "creating changes the owner's lists");
            Assert.That(created.StillCurrent(start.Registry, [RegistryScopes.Server("logged")]), Is.False, "and the server's own copy");
            Assert.That(unshared.StillCurrent(start.Registry, bobsLists), Is.True, "nobody else's");
            Assert.That(shared.StillCurrent(created.Registry, teamLists), Is.False, "sharing changes the group's lists");
            Assert.That(unshared.StillCurrent(shared.Registry, teamLists), Is.False, "and so does unsharing, though the entry is gone");
            Assert.That(unshared.StillCurrent(shared.Registry, [RegistryScopes.Principal(PrincipalKey.Public)]), Is.True, "a private server leaves everyone's lists alone");
        }

        await InScopeAsync(sp => sp.GetRequiredService<IServerRepository>().DeleteAsync(server!.Id, null, Event(AuditActions.ServerDeleted), None));
        var deleted = await revisions.ReadAsync(None);
        Assert.That(deleted.StillCurrent(unshared.Registry, [RegistryScopes.Principal(PrincipalKey.User("alice"))]), Is.False, "deleting changes the owner's lists");
    }

    [Test]
    public async Task AMoveThatLoggedNothing_MakesEveryKeptValueStale()
    {
        var revisions = Api.Services.GetRequiredService<IChangeRevisions>();
        var before = await revisions.ReadAsync(None);

        await TestDatabase.ScalarAsync<object>("UPDATE revisions SET value = value + 1 WHERE scope = 'registry'");

        Assert.That((await revisions.ReadAsync(None)).StillCurrent(before.Registry, [RegistryScopes.Principal(PrincipalKey.User("nobody"))]), Is.False);
    }
}
