using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace McpPlatform.Tests.Integration;

/// <summary>The list and search queries against a seeded database, checked against a plain (slow) formulation of the same question.</summary>
public sealed class ServerQueriesTests : ApiTest
{
    private static readonly Caller Viewer = new("u1", SystemRoles.User, ["g1", "g2"]);

    [SetUp]
    public async Task SeedAsync()
    {
        // 3,000 servers owned by 30 users; u1 is in g1 and g2; some are shared to groups, some public, a few to the role.
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO mcp_servers (id, server_name, config, author_id, created_at, updated_at, version, viewer_keys)
            SELECT gen_random_uuid(), 's' || lpad(i::text, 5, '0'),
                   jsonb_build_object('type', 'sse', 'url', 'https://x.example.com/' || i, 'title', 'Server ' || i,
                                      'description', CASE WHEN i % 97 = 0 THEN 'has the needle inside' ELSE 'plain' END),
                   'u' || (i % 30), now(), now(), 1, '{}'
            FROM generate_series(1, 3000) AS i;
            INSERT INTO acl_entries (principal_type, principal_id, resource_type, resource_id, resource_name, perm_bits, access_role_id, granted_by, granted_at)
            SELECT 'user', author_id, 'mcpServer', id, server_name, 15, 'mcpServer_owner', author_id, now() FROM mcp_servers;
            INSERT INTO acl_entries (principal_type, principal_id, resource_type, resource_id, resource_name, perm_bits, access_role_id, granted_by, granted_at)
            SELECT 'group', 'g' || (substr(server_name, 2)::int % 7), 'mcpServer', id, server_name, 1, 'mcpServer_viewer', author_id, now()
            FROM mcp_servers WHERE substr(server_name, 2)::int % 5 = 0;
            INSERT INTO acl_entries (principal_type, principal_id, resource_type, resource_id, resource_name, perm_bits, access_role_id, granted_by, granted_at)
            SELECT 'public', '*', 'mcpServer', id, server_name, 1, 'mcpServer_viewer', author_id, now()
            FROM mcp_servers WHERE substr(server_name, 2)::int % 50 = 0;
            INSERT INTO acl_entries (principal_type, principal_id, resource_type, resource_id, resource_name, perm_bits, access_role_id, granted_by, granted_at)
            SELECT 'role', 'USER', 'mcpServer', id, server_name, 1, 'mcpServer_viewer', author_id, now()
            FROM mcp_servers WHERE substr(server_name, 2)::int % 333 = 0;
            UPDATE mcp_servers s SET viewer_keys = ARRAY(SELECT a.principal_type || ':' || a.principal_id FROM acl_entries a WHERE a.resource_id = s.id AND (a.perm_bits & 1) = 1);
            ANALYZE;
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Test]
    public async Task PagesMergeEveryPrincipalsStreamInNameOrder_WithoutDuplicatesOrGaps()
    {
        var expected = await VisibleNamesAsync("");
        Assert.That(expected, Has.Count.GreaterThan(300), "the seed gives the viewer a sizeable set to page through");

        var walked = new List<string>();
        await using var scope = Api.Services.CreateAsyncScope();
        var repository = scope.ServiceProvider.GetRequiredService<IServerQueries>();
        string? after = null;
        while (true)
        {
            var page = await repository.PageVisibleAsync(Viewer.Principals, after, 37, null, CancellationToken.None);
            walked.AddRange(page.Select(s => s.Name));
            if (page.Count < 37)
            {
                break;
            }

            after = page[^1].Name;
        }

        Assert.That(walked, Is.EqualTo(expected));
    }

    [TestCase("NEEDLE", TestName = "Search: a term only in servers shared with the viewer, none public")]
    [TestCase("server 1", TestName = "Search: a term common among public servers (the public name walk), rare near the end")]
    [TestCase("s0005", TestName = "Search: one public match, also shared with a group (the public trigram index, no duplicate)")]
    public async Task SearchReturnsOnlyVisibleMatches_InNameOrder_PageByPage(string term)
    {
        var expected = await VisibleNamesAsync(Matching(term));
        Assert.That(expected, Is.Not.Empty);

        Assert.That(await SearchAsync(term), Is.EqualTo(expected));
    }

    [Test]
    public async Task Search_FollowsTitleChangesAndNewShares_OfTheServersSharedWithTheViewer()
    {
        // s00015 is shared with the viewer's group g1; s00002 with none of the viewer's principals until shared below.
        await TestDatabase.ScalarAsync<object>("""
            UPDATE mcp_servers SET config = config || '{"title": "Zebra crossing"}' WHERE server_name = 's00015';
            UPDATE mcp_servers SET config = config || '{"title": "Zebra stripes"}' WHERE server_name = 's00002';
            """);
        Assert.That(await SearchAsync("zebra"), Is.EqualTo(new[] { "s00015" }));
        Assert.That(await SearchAsync("server 15 "), Is.Empty, "the old title is no longer found");

        await TestDatabase.ScalarAsync<object>("""
            INSERT INTO acl_entries (principal_type, principal_id, resource_type, resource_id, resource_name, perm_bits, access_role_id, granted_by, granted_at)
            SELECT 'user', 'u1', 'mcpServer', id, server_name, 1, 'mcpServer_viewer', author_id, now() FROM mcp_servers WHERE server_name = 's00002';
            """);

        Assert.That(await SearchAsync("zebra"), Is.EqualTo(await VisibleNamesAsync(Matching("zebra"))).And.EqualTo(new[] { "s00002", "s00015" }));
    }

    [Test]
    public async Task FindReturnsTheOrOfTheCallersBits()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var repository = scope.ServiceProvider.GetRequiredService<IServerQueries>();
        var own = await repository.FindAsync("s00031", Viewer.Principals, CancellationToken.None);
        var groupOnly = await repository.FindAsync("s00010", new Caller("u2", SystemRoles.User, ["g3"]).Principals, CancellationToken.None);
        var none = await repository.FindAsync("s00002", Viewer.Principals, CancellationToken.None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int?)own?.Bits, Is.EqualTo(15));
            Assert.That((int?)groupOnly?.Bits, Is.EqualTo(1));
            Assert.That((int?)none?.Bits, Is.Zero);
            Assert.That(await repository.FindAsync("missing", Viewer.Principals, CancellationToken.None), Is.Null);
        }
    }

    [Test]
    public async Task FindShared_GivesEachCallerTheBitsFindGives()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var repository = scope.ServiceProvider.GetRequiredService<IServerQueries>();
        Caller[] callers = [Viewer, new("u2", SystemRoles.User, ["g3"]), new("u20", SystemRoles.User, []), new("u7", SystemRoles.Admin, ["g1"])];
        foreach (var name in new[] { "s00010", "s00031", "s00050", "s00333", "s00002" })
        {
            var shared = await repository.FindSharedAsync(name, 10, CancellationToken.None);
            Assert.That(shared?.Complete, Is.True, name);
            foreach (var caller in callers)
            {
                var expected = await repository.FindAsync(name, caller.Principals, CancellationToken.None);
                Assert.That(shared!.AccessFor(caller.Principals)?.Bits, Is.EqualTo(expected!.Bits), $"{name} for {caller.UserId}");
            }
        }
    }

    [Test]
    public async Task FindShared_HoldsNoEntries_OfAServerWithMoreThanAsked()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var repository = scope.ServiceProvider.GetRequiredService<IServerQueries>();
        var wide = await repository.FindSharedAsync("s00050", 2, CancellationToken.None);   // owner, group g1, public
        var all = await repository.FindSharedAsync("s00050", 3, CancellationToken.None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(wide?.Complete, Is.False);
            Assert.That(wide?.Grants, Is.Empty);
            Assert.That(wide?.AccessFor(Viewer.Principals), Is.Null, "the database decides for such a server");
            Assert.That(all?.Grants.Select(g => g.Principal.ToString()).Order(), Is.EqualTo(new[] { "group:g1", "public:*", "user:u20" }));
            Assert.That(await repository.FindSharedAsync("missing", 3, CancellationToken.None), Is.Null);
        }
    }

    /// <summary>Every match of the term the viewer can see, through the repository, five at a time.</summary>
    private async Task<List<string>> SearchAsync(string term)
    {
        var found = new List<string>();
        await using var scope = Api.Services.CreateAsyncScope();
        var repository = scope.ServiceProvider.GetRequiredService<IServerQueries>();
        string? after = null;
        while (true)
        {
            var page = await repository.PageVisibleAsync(Viewer.Principals, after, 5, term, CancellationToken.None);
            found.AddRange(page.Select(s => s.Name));
            if (page.Count < 5)
            {
                return found;
            }

            after = page[^1].Name;
        }
    }

    private static string Matching(string term) =>
        $"AND position('{term.ToLowerInvariant()}' in lower(s.server_name || ' ' || (s.config->>'title') || ' ' || (s.config->>'description'))) > 0";

    /// <summary>The question asked the obvious way: every server some matching entry lets the viewer see.</summary>
    private static async Task<List<string>> VisibleNamesAsync(string filter)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            SELECT s.server_name FROM mcp_servers s
            WHERE EXISTS (SELECT 1 FROM acl_entries a WHERE a.resource_id = s.id AND (a.perm_bits & 1) = 1 AND (
                (a.principal_type = 'user' AND a.principal_id = 'u1') OR (a.principal_type = 'group' AND a.principal_id IN ('g1', 'g2'))
                OR (a.principal_type = 'role' AND a.principal_id = 'USER') OR a.principal_type = 'public'))
            {filter}
            ORDER BY s.server_name COLLATE "C"
            """, connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
