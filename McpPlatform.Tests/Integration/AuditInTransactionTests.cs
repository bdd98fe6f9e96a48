using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Integration;

/// <summary>Each audited change and its audit record are one transaction: a change refused inside its repository
/// records nothing, and a record that cannot be written leaves the change unmade — and neither moves the revision
/// that tells other instances to read again (a move without a change would only cost a read; a change without its
/// move would leave them stale).</summary>
public sealed class AuditInTransactionTests : ApiTest
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly List<AsyncServiceScope> _scopes = [];

    /// <summary>The audit row of an event by this actor is refused by a trigger the tests put on the audit log.</summary>
    private const string Unwritable = "unwritable";

    private static AuditEvent Event(string action, string resourceId, string actor = "alice") => new(actor, action, "test", resourceId);

    /// <summary>A repository of a scope of its own, as each request has (a failed write leaves its context unusable).</summary>
    private T Fresh<T>()
        where T : notnull
    {
        var scope = Api.Services.CreateAsyncScope();
        _scopes.Add(scope);
        return scope.ServiceProvider.GetRequiredService<T>();
    }

    /// <summary>A record that cannot be written: the database refuses it when the row is inserted. (Not text it cannot
    /// store, such as a NUL: that fails while the statement's parameters are bound, and Npgsql 10.0.3 then loses step
    /// with a pooled connection on which that insert was being prepared automatically.)</summary>
    [SetUp]
    public Task RefuseUnwritableRecords() => TestDatabase.ScalarAsync<object>("""
        CREATE OR REPLACE FUNCTION test_refuse_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit row refused'; END $$;
        CREATE OR REPLACE TRIGGER test_refuse_audit_row BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.actor_id = 'unwritable') EXECUTE FUNCTION test_refuse_audit_row();
        """);

    [TearDown]
    public async Task DisposeScopes()
    {
        foreach (var scope in _scopes)
        {
            await scope.DisposeAsync();
        }

        _scopes.Clear();
        await TestDatabase.ScalarAsync<object>("DROP TRIGGER IF EXISTS test_refuse_audit_row ON audit_log; DROP FUNCTION IF EXISTS test_refuse_audit_row();");
    }

    private static Task<long> RevisionAsync(string scope) =>
        TestDatabase.ScalarAsync<long>("SELECT value FROM revisions WHERE scope = $1", scope);

    private static Task<long> AuditRowsAsync(string action) =>
        TestDatabase.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = $1", action);

    private async Task<McpServer> CreateAsync(string title, int maxPerAuthor = 10)
    {
        var (server, failure) = await Fresh<IServerRepository>().CreateAsync(
            new NewServer(new McpServerConfig { Type = "sse", Url = "https://mcp.example.com/sse", Title = title }, "alice", null),
            _ => title.ToLowerInvariant(), maxPerAuthor, created => Event(AuditActions.ServerCreated, created.Id.ToString()), None);
        Assert.That(failure, Is.EqualTo(CreateFailure.None));
        return server!;
    }

    [Test]
    public async Task ServerCreate_WritesItsRecord_AndACreateOverQuotaWritesNone()
    {
        var created = await CreateAsync("first", maxPerAuthor: 1);
        var (refused, failure) = await Fresh<IServerRepository>().CreateAsync(
            new NewServer(new McpServerConfig { Type = "sse", Url = "https://mcp.example.com/sse" }, "alice", null),
            _ => "second", 1, _ => Event(AuditActions.ServerCreated, "second"), None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((refused, failure), Is.EqualTo(((McpServer?)null, CreateFailure.QuotaExceeded)));
            Assert.That(await AuditRowsAsync(AuditActions.ServerCreated), Is.EqualTo(1));
            Assert.That(await TestDatabase.ScalarAsync<string>("SELECT resource_id FROM audit_log WHERE action = $1", AuditActions.ServerCreated), Is.EqualTo(created.Id.ToString()));
        }
    }

    [Test]
    public async Task ServerCreate_WhoseRecordCannotBeWritten_CreatesNothing()
    {
        var revision = await RevisionAsync("registry");
        Assert.That(
            async () => await Fresh<IServerRepository>().CreateAsync(new NewServer(new McpServerConfig { Type = "sse", Url = "https://mcp.example.com/sse" }, "alice", null),
                _ => "unrecorded", 10, created => Event(AuditActions.ServerCreated, created.Id.ToString(), Unwritable), None),
            Throws.Exception);
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM mcp_servers"), Is.Zero);
        Assert.That(await RevisionAsync("registry"), Is.EqualTo(revision));
    }

    [Test]
    public async Task ServerUpdateAndDelete_WhoseRecordCannotBeWritten_ChangeNothing_AndRefusedOnesRecordNothing()
    {
        var server = await CreateAsync("kept");
        var revision = await RevisionAsync("registry");
        var moved = server.Config with { Url = "https://elsewhere.example.com/sse" };

        Assert.That(async () => await Fresh<IServerRepository>().UpdateAsync(server.Id, moved, null, true, Event(AuditActions.ServerUpdated, server.Id.ToString(), Unwritable), None), Throws.Exception);
        Assert.That(async () => await Fresh<IServerRepository>().DeleteAsync(server.Id, null, Event(AuditActions.ServerDeleted, server.Id.ToString(), Unwritable), None), Throws.Exception);
        var stale = await Fresh<IServerRepository>().UpdateAsync(server.Id, moved, server.Version + 7, false, Event(AuditActions.ServerUpdated, server.Id.ToString()), None);
        var gone = await Fresh<IServerRepository>().DeleteAsync(Guid.NewGuid(), null, Event(AuditActions.ServerDeleted, "missing"), None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await TestDatabase.ScalarAsync<string>("SELECT config->>'url' FROM mcp_servers WHERE id = $1", server.Id), Is.EqualTo("https://mcp.example.com/sse"));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT version FROM mcp_servers WHERE id = $1", server.Id), Is.EqualTo(server.Version));
            Assert.That(stale, Is.Null);
            Assert.That(gone, Is.False);
            Assert.That(await AuditRowsAsync(AuditActions.ServerUpdated) + await AuditRowsAsync(AuditActions.ServerDeleted), Is.Zero);
            Assert.That(await RevisionAsync("registry"), Is.EqualTo(revision));
        }
    }

    [Test]
    public async Task AclChange_WhoseRecordCannotBeWritten_ChangesNothing_AndOneRemovingTheLastOwnerRecordsNothing()
    {
        var server = await CreateAsync("shared");
        var share = new AclChangeSet([(PrincipalKey.Group("team-a"), AccessRoles.Viewer)], []);
        var removeOwner = new AclChangeSet([], [PrincipalKey.User("alice")]);
        var revision = await RevisionAsync("registry");

        Assert.That(async () => await Fresh<IAclRepository>().ApplyAsync(server.Id, share, "alice", Event(AuditActions.AclChanged, server.Id.ToString(), Unwritable), None), Throws.Exception);
        var refused = await Fresh<IAclRepository>().ApplyAsync(server.Id, removeOwner, "alice", Event(AuditActions.AclChanged, server.Id.ToString()), None);
        var afterRefusals = await RevisionAsync("registry");
        var applied = await Fresh<IAclRepository>().ApplyAsync(server.Id, share, "alice", Event(AuditActions.AclChanged, server.Id.ToString()), None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused, Is.EqualTo(AclApplyOutcome.WouldRemoveLastOwner));
            Assert.That(applied, Is.EqualTo(AclApplyOutcome.Applied));
            Assert.That(afterRefusals, Is.EqualTo(revision), "neither refused change moved the registry revision");
            Assert.That(await RevisionAsync("registry"), Is.GreaterThan(revision), "the applied one did");
            Assert.That(await AuditRowsAsync(AuditActions.AclChanged), Is.EqualTo(1), "only the applied change is recorded");
            Assert.That((await Fresh<IAclRepository>().ListForServerAsync(server.Id, None)).Select(g => g.Principal.ToString()), Is.EquivalentTo(new[] { "user:alice", "group:team-a" }));
        }
    }

    [Test]
    public async Task RolePermissions_WhoseRecordCannotBeWritten_StayAsTheyWere()
    {
        var patch = new McpServerPermissionsPatch(null, false, null, null);
        var (roles, registry) = (await RevisionAsync("roles"), await RevisionAsync("registry"));

        Assert.That(async () => await Fresh<IRoleRepository>().UpdateAsync(SystemRoles.User, patch, _ => Event(AuditActions.RolePermissionsChanged, "USER", Unwritable), None), Throws.Exception);
        var missing = await Fresh<IRoleRepository>().UpdateAsync("GHOST", patch, _ => Event(AuditActions.RolePermissionsChanged, "GHOST"), None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await TestDatabase.ScalarAsync<bool>("SELECT mcp_create FROM roles WHERE name = 'USER'"), Is.True);
            Assert.That(missing, Is.Null);
            Assert.That(await AuditRowsAsync(AuditActions.RolePermissionsChanged), Is.Zero);
            Assert.That(await RevisionAsync("roles"), Is.EqualTo(roles));
        }

        var updated = await Fresh<IRoleRepository>().UpdateAsync(SystemRoles.User, patch, p => Event(AuditActions.RolePermissionsChanged, "USER") with { Details = new Dictionary<string, string?> { ["CREATE"] = p.Create.ToString() } }, None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(updated?.Create, Is.False);
            Assert.That(await TestDatabase.ScalarAsync<string>("SELECT details->>'CREATE' FROM audit_log WHERE action = $1", AuditActions.RolePermissionsChanged), Is.EqualTo("False"));
            Assert.That(await RevisionAsync("roles"), Is.GreaterThan(roles), "the update moved the roles revision");
            Assert.That(await RevisionAsync("registry"), Is.EqualTo(registry), "and only that one");
        }
    }

    [Test]
    public async Task CredentialVariables_WhoseRecordCannotBeWritten_AreNeitherSetNorRemoved()
    {
        var key = new CredentialKey(Guid.CreateVersion7(), "binding-1");
        var values = new Dictionary<string, string> { ["API_KEY"] = "key-1" };

        Assert.That(async () => await Fresh<ICredentialStore>().SetAsync("alice", key, values, Event(AuditActions.CredentialsSet, "alice/x", Unwritable), None), Throws.Exception);
        Assert.That(await Fresh<ICredentialStore>().GetAsync("alice", key, None), Is.Empty);

        await Fresh<ICredentialStore>().SetAsync("alice", key, values, Event(AuditActions.CredentialsSet, "alice/x"), None);
        Assert.That(async () => await Fresh<ICredentialStore>().DeleteAsync("alice", key.ServerId, Event(AuditActions.CredentialsRemoved, "alice/x", Unwritable), None), Throws.Exception);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Fresh<ICredentialStore>().GetAsync("alice", key, None), Is.EqualTo(values));
            Assert.That(await AuditRowsAsync(AuditActions.CredentialsSet), Is.EqualTo(1));
            Assert.That(await AuditRowsAsync(AuditActions.CredentialsRemoved), Is.Zero);
        }
    }
}
