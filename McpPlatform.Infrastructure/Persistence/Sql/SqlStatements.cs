namespace McpPlatform.Infrastructure.Persistence.Sql;

/// <summary>
/// The statements written by hand, one embedded <c>.sql</c> file each beside this class, read once. They take
/// positional parameters (<c>$1</c>…) and are run on the shared data source, so Npgsql prepares them automatically.
/// <c>scripts/bench.sh</c> runs the same files through pgbench, so no statement has a second copy anywhere.
/// </summary>
public static class SqlStatements
{
    /// <summary>A server by name with the OR of the bits of principals $2 (types) / $3 (ids).</summary>
    public static readonly string FindServerByName = Load("find_server_by_name");

    /// <summary>A server by id with the OR of the bits of principals $2 (types) / $3 (ids).</summary>
    public static readonly string FindServerById = Load("find_server_by_id");

    /// <summary>A server by name with at most $2 of its ACL entries, as three parallel arrays.</summary>
    public static readonly string FindServerWithGrants = Load("find_server_with_grants");

    /// <summary>Every server principals $1 / $2 may VIEW, by name.</summary>
    public static readonly string ListVisibleServers = Load("list_visible_servers");

    /// <summary>The first $3 servers principals $1 / $2 may VIEW with a name after $4.</summary>
    public static readonly string PageVisibleServers = Load("page_visible_servers");

    /// <summary>As <see cref="PageVisibleServers"/>, only servers whose search text is LIKE $3 ($4: limit, $5: after).</summary>
    public static readonly string SearchVisibleServers = Load("search_visible_servers");

    /// <summary>The OR of the bits of principals $1 / $2 on every server they may VIEW.</summary>
    public static readonly string EffectivePermissions = Load("effective_permissions");

    /// <summary>Stores a user's tokens for a server (a new authorization), returning the row's version.</summary>
    public static readonly string SaveOAuthTokens = Load("save_oauth_tokens");

    /// <summary>Replaces a user's tokens (a refresh) only at version $4 and binding $3, returning the new version.</summary>
    public static readonly string RefreshOAuthTokens = Load("refresh_oauth_tokens");

    /// <summary>Every revision as (scope, value), then the registry changes logged after revision $1.</summary>
    public static readonly string ReadRevisions = Load("read_revisions");

    private static string Load(string name)
    {
        using var stream = typeof(SqlStatements).Assembly.GetManifestResourceStream($"McpPlatform.Sql.{name}.sql")
            ?? throw new InvalidOperationException($"The embedded statement {name}.sql is missing from {typeof(SqlStatements).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().TrimEnd();
    }
}
