using System.Net;
using System.Text.Json.Nodes;
using McpPlatform.Api.Commands;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;
using Npgsql;

namespace McpPlatform.Tests.Integration;

/// <summary>The admin commands of the API executable, run in-process against the test database.</summary>
[NonParallelizable]
public sealed class CommandsTests : ApiTest
{
    private const string LibreChatYaml = """
        version: 1.2.1
        interface:
          mcpServers:
            use: true
        mcpServers:
          filesystem:
            command: npx
            args: ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]
          remote_sse:
            type: sse
            url: https://sse.example.com/sse
            headers:
              X-Api-Key: import-secret-VALUE-42
            timeout: 30000
          Team Search:
            type: streamable-http
            url: https://search.example.com/mcp
            description: Searches the team wiki
            customUserVars:
              TOKEN:
                title: Token
                description: Your token
          broken:
            type: sse
            url: "not a url"
        """;

    [Test]
    public async Task ImportServers_CreatesRemoteEntriesForTheOwner_SkipsStdioAndInvalid_ThenExportHasNoSecrets()
    {
        var file = Path.Combine(Path.GetTempPath(), $"librechat-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, LibreChatYaml);
        try
        {
            var (exit, output) = await RunAsync("import-servers", file, "--owner", "importer");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(exit, Is.Zero, output);
                Assert.That(output, Does.Contain("imported remote-sse"));
                Assert.That(output, Does.Contain("imported team-search"));
                Assert.That(output, Does.Contain("skipped filesystem: stdio"));
                Assert.That(output, Does.Contain("skipped broken"));
                Assert.That(output, Does.Contain("2 imported, 2 skipped"));
            }

            var importer = new Caller("importer", SystemRoles.User, []);
            using var list = await As(importer).GetAsync("/api/mcp/servers");
            var servers = (await ReadJsonAsync(list)).AsObject();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(servers.ContainsKey("remote-sse") && servers.ContainsKey("team-search"), Is.True, servers.ToJsonString());
                Assert.That(servers["remote-sse"]!["headers"]!["X-Api-Key"]!.GetValue<string>(), Is.EqualTo("********"));
                Assert.That(servers["remote-sse"]!.AsObject().ContainsKey("timeout"), Is.False, "server-managed keys are not imported");
                Assert.That(await TestDatabase.DumpAsync("mcp_servers"), Does.Not.Contain("import-secret-VALUE-42"));
            }

            var (exportExit, exported) = await RunAsync("export-servers");
            var json = JsonNode.Parse(exported[exported.IndexOf('[', StringComparison.Ordinal)..])!.AsArray();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(exportExit, Is.Zero);
                Assert.That(json.Select(s => s!["name"]!.GetValue<string>()), Is.EquivalentTo(new[] { "local.mcp-platform/remote-sse", "local.mcp-platform/team-search" }));
                Assert.That(json[0]!["remotes"]![0]!["type"]!.GetValue<string>(), Is.EqualTo("sse"));
                Assert.That(json[0]!["remotes"]![0]!["headers"]![0]!["isSecret"]!.GetValue<bool>(), Is.True);
                Assert.That(exported, Does.Not.Contain("import-secret-VALUE-42"));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task Migrate_CreatesTheSchemaOnAnEmptyDatabase()
    {
        var name = $"mcp_migrate_{Guid.NewGuid():N}"[..30];
        var admin = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        var original = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
        try
        {
            var target = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Database = name }.ConnectionString;
            Environment.SetEnvironmentVariable("ConnectionStrings__Postgres", target);
            var (exit, output) = await RunAsync("migrate");
            Assert.That(exit, Is.Zero, output);
            await using var connection = new NpgsqlConnection(target);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM access_roles", connection);
            Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(3L));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__Postgres", original);
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    [Test]
    public async Task Token_IsAcceptedByTheApi()
    {
        var (exit, output) = await RunAsync("token", "--sub", "cli-user", "--role", "admin", "--groups", "g1,g2");
        Assert.That(exit, Is.Zero, output);
        using var client = As(null);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", output.Trim().Split('\n')[^1].Trim());
        using var role = await client.GetAsync("/api/roles/KING");
        Assert.That(role.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "an ADMIN may read any role; KING does not exist");
    }

    [Test]
    public async Task BadArguments_FailWithAMessage()
    {
        var (exit, output) = await RunAsync("import-servers", "--owner", "x");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("usage"));
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var original = (Console.Out, Console.Error);
        using var captured = new StringWriter();
        Console.SetOut(captured);
        Console.SetError(captured);
        try
        {
            var exit = await AdminCommands.RunAsync(args);
            return (exit, captured.ToString());
        }
        finally
        {
            Console.SetOut(original.Out);
            Console.SetError(original.Error);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
