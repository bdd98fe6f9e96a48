using McpPlatform.Domain.Access;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>Where a server is defined: app-level configuration (read-only) or the database (user-managed).</summary>
public enum ServerSource
{
    App,
    Db,
}

/// <summary>A user-managed server as stored. <see cref="Config"/> holds its secrets in plain text in memory only;
/// the repository encrypts them at rest.</summary>
public sealed record McpServer(
    Guid Id,
    string Name,
    McpServerConfig Config,
    string AuthorId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>A stored server together with the OR of the bits the caller's principals hold on it.</summary>
public sealed record ServerAccess(McpServer Server, PermissionBits Bits);

/// <summary>A stored server with every ACL entry on it, so that any caller's access can be worked out from one read
/// kept in memory. <see cref="Complete"/> is false for a server with more entries than were read (none are held then).</summary>
public sealed record SharedServer(McpServer Server, IReadOnlyList<Grant> Grants, bool Complete)
{
    /// <summary>The server with the OR of the bits the principals hold on it; null when the entries are incomplete.</summary>
    public ServerAccess? AccessFor(IReadOnlyList<PrincipalKey> principals)
    {
        if (!Complete)
        {
            return null;
        }

        var bits = PermissionBits.None;
        foreach (var grant in Grants)
        {
            if (principals.Contains(grant.Principal))
            {
                bits |= grant.Bits;
            }
        }

        return new ServerAccess(Server, bits);
    }
}

/// <summary>One ACL entry on a server: who holds which bits.</summary>
public readonly record struct Grant(PrincipalKey Principal, PermissionBits Bits);

/// <summary>A server as a caller sees it: secrets masked, with what the list and ETag need.</summary>
public sealed record ServerView(Guid Id, string Name, ServerSource Source, McpServerConfig Config, DateTimeOffset UpdatedAt, long? Version)
{
    public static ServerView Of(McpServer server) =>
        new(server.Id, server.Name, ServerSource.Db, server.Config.Masked(), server.UpdatedAt, server.Version);

    public static ServerView Of(AppServer server) =>
        new(server.Id, server.Name, ServerSource.App, server.Config.Masked(), server.LoadedAt, null);

    /// <summary>The id the sharing routes address a database server by; app-level servers are not shared.</summary>
    public Guid? DbId => Source == ServerSource.Db ? Id : null;

    /// <summary>The entity tag a client sends back in <c>If-Match</c>.</summary>
    public string? ETag => Version is { } v ? $"\"{v}\"" : null;
}

/// <summary>A server from app-level configuration (YAML file or appsettings).</summary>
public sealed record AppServer(string Name, McpServerConfig Config, DateTimeOffset LoadedAt)
{
    public Guid Id => ServerIds.ForAppServer(Name);
}

/// <summary>One page of the opt-in paged list.</summary>
public sealed record ServerPage(IReadOnlyList<ServerView> Servers, string? NextCursor);
