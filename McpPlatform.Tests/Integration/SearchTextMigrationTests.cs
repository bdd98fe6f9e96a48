using System.Text;
using McpPlatform.Infrastructure.Persistence.Sql;
using McpPlatform.Tests.Fixtures;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace McpPlatform.Tests.Integration;

/// <summary>
/// Migration <c>SearchTextFitsIndexes</c> (ADR 0043) on a database that already holds a server whose search text is
/// longer than the indexed bound but was storable before (1,000 Cyrillic letters: ~2,000 bytes), public and shared:
/// up, down and up again, the copies follow the rule of the release, every index is valid, and search finds the server
/// by the end of its text each time.
/// </summary>
public sealed class SearchTextMigrationTests
{
    private const string Before = "20261207182448_ChangeRevisions";
    private const string Term = "ёжё";

    [Test]
    public async Task UpDownAndUpAgain_OnAPopulatedDatabase_KeepEveryServerFound()
    {
        await using var database = await FreshDatabase.CreateAsync();
        await using var context = database.Context();
        var migrator = context.GetService<IMigrator>();
        await migrator.MigrateAsync(Before);
        await SeedAsync(database);
        Assert.That(await CopiesAsync(database), Is.EqualTo("long:3 short:3"), "before: every entry carries its server's text");

        await migrator.MigrateAsync();
        await AssertMigratedAsync(database);

        await migrator.MigrateAsync(Before);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CopiesAsync(database), Is.EqualTo("long:3 short:3"), "down: the copies are back");
            Assert.That(await ScalarAsync<long>(database, "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_mcp_servers_public_long_name'"), Is.Zero);
            Assert.That(await ScalarAsync<string>(database, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_mcp_servers_public_name'"), Does.Not.Contain("octet_length"));
        }

        await migrator.MigrateAsync();
        await AssertMigratedAsync(database);
    }

    private static async Task AssertMigratedAsync(FreshDatabase database)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CopiesAsync(database), Is.EqualTo("short:3"), "up: only the text that fits is carried");
            Assert.That(await ScalarAsync<long>(database, """
                SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE c.relname IN ('ix_mcp_servers_public_name', 'ix_mcp_servers_public_long_name', 'ix_acl_entries_principal_stream') AND i.indisvalid
                """), Is.EqualTo(3));
            Assert.That(await ScalarAsync<long>(database, "SELECT count(*) FROM pg_class WHERE relname LIKE '%_next'"), Is.Zero);
            Assert.That(await SearchAsync(database, ["user", "public"], ["u1", "*"]), Is.EqualTo(new[] { "long" }), "shared with the user, and public");
            Assert.That(await SearchAsync(database, ["user", "public"], ["u9", "*"]), Is.EqualTo(new[] { "long" }), "public only");
            Assert.That(await SearchAsync(database, ["user"], ["u1"]), Is.EqualTo(new[] { "long" }), "shared only");
        }
    }

    private static async Task SeedAsync(FreshDatabase database)
    {
        var random = new Random(42);
        var description = new StringBuilder();
        for (var i = 0; i < 1000 - Term.Length; i++)
        {
            description.Append((char)('а' + random.Next(32)));
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO mcp_servers (id, server_name, config, author_id, created_at, updated_at, version, viewer_keys)
            VALUES (gen_random_uuid(), 'long', jsonb_build_object('type', 'sse', 'url', 'https://x.example.com/', 'title', 'Long', 'description', $1::text),
                    'u0', now(), now(), 1, '{user:u0,user:u1,public:*}'),
                   (gen_random_uuid(), 'short', '{"type": "sse", "url": "https://x.example.com/", "title": "Short"}', 'u0', now(), now(), 1, '{user:u0,user:u1,public:*}')
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = description + Term });
        await command.ExecuteNonQueryAsync();
        await using var entries = new NpgsqlCommand("""
            INSERT INTO acl_entries (principal_type, principal_id, resource_type, resource_id, resource_name, perm_bits, access_role_id, granted_by, granted_at)
            SELECT p.t, p.i, 'mcpServer', s.id, s.server_name, p.bits, p.role, 'u0', now()
            FROM mcp_servers s
            CROSS JOIN (VALUES ('user', 'u0', 15, 'mcpServer_owner'), ('user', 'u1', 1, 'mcpServer_viewer'), ('public', '*', 1, 'mcpServer_viewer')) AS p(t, i, bits, role)
            """, connection);
        await entries.ExecuteNonQueryAsync();
    }

    /// <summary>How many ACL entries of each server carry a copy of its search text, equal to the server's.</summary>
    private static Task<string?> CopiesAsync(FreshDatabase database) => ScalarAsync<string>(database, """
        SELECT coalesce(string_agg(n, ' ' ORDER BY n), '') FROM (
            SELECT s.server_name || ':' || count(*) AS n FROM acl_entries a JOIN mcp_servers s ON s.id = a.resource_id
            WHERE a.search_text = s.search_text GROUP BY s.server_name) c
        """);

    private static async Task<List<string>> SearchAsync(FreshDatabase database, string[] types, string[] ids)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(SqlStatements.SearchVisibleServers, connection);
        foreach (var value in new object[] { types, ids, "%" + Term + "%", 21, string.Empty })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(reader.GetOrdinal("server_name")));
        }

        return names;
    }

    private static async Task<T?> ScalarAsync<T>(FreshDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T?)await command.ExecuteScalarAsync();
    }
}
