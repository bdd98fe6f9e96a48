using McpPlatform.Domain.Access;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Persistence.Repositories;
using McpPlatform.Infrastructure.Persistence.Sql;
using Npgsql;

namespace McpPlatform.Infrastructure.Persistence.Queries;

/// <summary>
/// The registry's reads that carry the caller's ACL bits: single hand-written statements (Persistence/Sql) on the
/// shared data source, auto-prepared, because their shape is what makes them fast at a million servers — each
/// principal's ACL entries are read in name order from one index and merged (ADR 0021), and their arguments reach
/// them through a materialised row so that each runs one generic plan (ADR 0022).
/// </summary>
public sealed class ServerQueries(NpgsqlDataSource dataSource, ServerSecretsCodec codec) : IServerQueries
{
    public Task<ServerAccess?> FindAsync(string name, IReadOnlyList<PrincipalKey> principals, CancellationToken ct) =>
        FindAsync(SqlStatements.FindServerByName, name, principals, ct);

    public Task<ServerAccess?> FindByIdAsync(Guid id, IReadOnlyList<PrincipalKey> principals, CancellationToken ct) =>
        FindAsync(SqlStatements.FindServerById, id, principals, ct);

    public async Task<SharedServer?> FindSharedAsync(string name, int maxGrants, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(SqlStatements.FindServerWithGrants);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = maxGrants + 1 });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var server = ServerColumns.Of(reader).Read(reader, codec);
        // The entries come as three parallel arrays, aggregated in one pass over the same rows (so in the same order).
        var (typesColumn, idsColumn, bitsColumn) = (reader.GetOrdinal("types"), reader.GetOrdinal("ids"), reader.GetOrdinal("bits"));
        var types = reader.IsDBNull(typesColumn) ? [] : reader.GetFieldValue<string[]>(typesColumn);
        if (types.Length > maxGrants)
        {
            return new SharedServer(server, [], Complete: false);
        }

        var ids = types.Length == 0 ? [] : reader.GetFieldValue<string[]>(idsColumn);
        var bits = types.Length == 0 ? [] : reader.GetFieldValue<int[]>(bitsColumn);
        var grants = new Grant[types.Length];
        for (var i = 0; i < grants.Length; i++)
        {
            grants[i] = new Grant(PrincipalArrays.Parse(types[i], ids[i]), (PermissionBits)bits[i]);
        }

        return new SharedServer(server, grants, Complete: true);
    }

    public async Task<IReadOnlyList<McpServer>> ListVisibleAsync(IReadOnlyList<PrincipalKey> principals, CancellationToken ct)
    {
        var (types, ids) = PrincipalArrays.Split(principals);
        await using var command = dataSource.CreateCommand(SqlStatements.ListVisibleServers);
        command.Parameters.Add(new NpgsqlParameter { Value = types });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        return await ReadMaskedAsync(command, ct);
    }

    public async Task<IReadOnlyList<McpServer>> PageVisibleAsync(IReadOnlyList<PrincipalKey> principals, string? after, int limit, string? search, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(search is null ? SqlStatements.PageVisibleServers : SqlStatements.SearchVisibleServers);
        var (types, ids) = PrincipalArrays.Split(principals);
        command.Parameters.Add(new NpgsqlParameter { Value = types });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        if (search is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = PrincipalArrays.LikeContains(search) });
        }

        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = after ?? string.Empty });
        return await ReadMaskedAsync(command, ct);
    }

    /// <summary>A server by <paramref name="key"/> ($1) with the OR of the principals' bits ($2 types, $3 ids).</summary>
    private async Task<ServerAccess?> FindAsync<TKey>(string statement, TKey key, IReadOnlyList<PrincipalKey> principals, CancellationToken ct)
    {
        var (types, ids) = PrincipalArrays.Split(principals);
        await using var command = dataSource.CreateCommand(statement);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = types });
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new ServerAccess(ServerColumns.Of(reader).Read(reader, codec), (PermissionBits)reader.GetInt32(reader.GetOrdinal("perm_bits")));
    }

    private static async Task<IReadOnlyList<McpServer>> ReadMaskedAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var result = new List<McpServer>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        var columns = ServerColumns.Of(reader);
        while (await reader.ReadAsync(ct))
        {
            result.Add(columns.ReadMasked(reader));
        }

        return result;
    }
}
