using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Persistence.Repositories;
using Npgsql;

namespace McpPlatform.Infrastructure.Persistence.Queries;

/// <summary>Where a statement's result holds the columns of a server row, looked up by name once per result.</summary>
internal readonly record struct ServerColumns(int Id, int Name, int Config, int Secrets, int AuthorId, int CreatedAt, int UpdatedAt, int Version)
{
    public static ServerColumns Of(NpgsqlDataReader reader) => new(
        reader.GetOrdinal("id"),
        reader.GetOrdinal("server_name"),
        reader.GetOrdinal("config"),
        reader.GetOrdinal("secrets"),
        reader.GetOrdinal("author_id"),
        reader.GetOrdinal("created_at"),
        reader.GetOrdinal("updated_at"),
        reader.GetOrdinal("version"));

    /// <summary>The server of the current row, its secrets decrypted.</summary>
    public McpServer Read(NpgsqlDataReader reader, ServerSecretsCodec codec)
    {
        var id = reader.GetGuid(Id);
        var secrets = reader.IsDBNull(Secrets) ? null : reader.GetFieldValue<byte[]>(Secrets);
        return Read(reader, codec.Decode(id, reader.GetString(Config), secrets));
    }

    /// <summary>The server of the current row as the API shows it, without touching its secrets.</summary>
    public McpServer ReadMasked(NpgsqlDataReader reader) => Read(reader, ServerSecretsCodec.DecodeMasked(reader.GetString(Config)));

    private McpServer Read(NpgsqlDataReader reader, McpServerConfig config) => new(
        reader.GetGuid(Id),
        reader.GetString(Name),
        config,
        reader.GetString(AuthorId),
        reader.GetFieldValue<DateTimeOffset>(CreatedAt),
        reader.GetFieldValue<DateTimeOffset>(UpdatedAt),
        reader.GetInt64(Version));
}
