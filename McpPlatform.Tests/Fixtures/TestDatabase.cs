using Npgsql;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// A throw-away database on the PostgreSQL that the test command started (<c>MCP_TEST_PG_ADMIN</c>, else the server
/// of <c>ConnectionStrings__Postgres</c>): created once per run, migrated by the first host, dropped at the end.
/// </summary>
public static class TestDatabase
{
    private static string? _adminConnectionString;

    public static string ConnectionString { get; private set; } = string.Empty;

    public static string Name { get; private set; } = string.Empty;

    public static async Task CreateAsync()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable("MCP_TEST_PG_ADMIN")
            ?? Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
            ?? throw new InvalidOperationException("No PostgreSQL for the tests: run them with ./scripts/test.sh, which starts one (or set MCP_TEST_PG_ADMIN).");
        var admin = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = "postgres", Pooling = false };
        Name = $"mcp_test_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = Name, MaxAutoPrepare = 50 }.ConnectionString;
    }

    public static async Task DropAsync()
    {
        if (_adminConnectionString is null || Name.Length == 0)
        {
            return;
        }

        await KeepForSecretScanAsync();
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Empties every table the tests write, keeping the seeded access roles, and puts role permissions back to
    /// their defaults; moves the revisions, as a change through the API would, so that running instances drop what they
    /// kept from before.</summary>
    public static async Task ResetAsync()
    {
        await KeepForSecretScanAsync();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            TRUNCATE users, groups, group_members, mcp_servers, acl_entries, oauth_client_registrations, oauth_tokens, credential_variables, audit_log, registry_changes RESTART IDENTITY CASCADE;
            UPDATE roles SET mcp_use = true, mcp_create = true, mcp_share = true, mcp_share_public = (name = 'ADMIN');
            UPDATE revisions SET value = value + 1;
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>Appends everything the last test left in the database to the run's artifacts, for the run-wide secret scan.</summary>
    private static async Task KeepForSecretScanAsync()
    {
        var tables = new List<string>();
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        RunArtifacts.Append(RunArtifacts.Database, await DumpAsync([.. tables]));
    }

    /// <summary>Every text and bytea value of every row of the given tables, for secret scans.</summary>
    public static async Task<string> DumpAsync(params string[] tables)
    {
        var dump = new System.Text.StringBuilder();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT * FROM {table}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    dump.Append(value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        return dump.ToString();
    }
}
