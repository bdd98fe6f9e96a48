using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// The server registry: app-level servers merged with the user-managed ones the caller may see, and the rules for
/// creating, changing and deleting the latter (naming, secrets, ACL, optimistic concurrency).
/// </summary>
public sealed class ServerRegistryService(
    IServerQueries queries,
    IServerRepository servers,
    IAppServerCatalog appServers,
    IOutboundUrlPolicy urlPolicy,
    IAuditLog audit,
    IServerChangeListener changes,
    ICatalogRevisions catalogRevisions,
    RegistrySnapshots snapshots,
    McpRegistryOptions options)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;
    public const int MaxKeptList = 5_000;

    /// <summary>A server is kept in memory with at most this many ACL entries; one shared more widely is checked by
    /// the database for each caller.</summary>
    public const int MaxKeptGrants = 64;

    public static readonly Error ServerNotFound = new(ErrorKind.NotFound, "Not Found", "mcpServer not found");
    public static readonly Error InsufficientPermissions = new(ErrorKind.Forbidden, "Forbidden", "Insufficient permissions to access this mcpServer");
    public static readonly Error VersionMismatch = new(ErrorKind.PreconditionFailed, "Precondition Failed", "The server was changed since it was read (If-Match does not match the current ETag)");

    /// <summary>The connection routes' 404: the same for a server that does not exist and one the caller may not see.</summary>
    public static Error NotInConfiguration(string name) => new(ErrorKind.NotFound, $"MCP server '{name}' not found in configuration");

    public static Error ReadOnly(string name) =>
        new(ErrorKind.Forbidden, "Forbidden", $"MCP server '{name}' is defined in configuration and is read-only");

    /// <summary>Every server the caller can use: app-level ones, then the database ones they can VIEW (a database
    /// server never shadows an app-level name, since those names are reserved).</summary>
    public async Task<IReadOnlyList<ServerView>> ListAsync(Caller caller, CancellationToken ct)
    {
        // Kept per set of principals; a list longer than MaxKeptList is read each time, so that a few callers who see
        // most of the registry cannot push everyone else's lists out (the paged list is what serves them).
        var visible = await snapshots.ReadAsync(
            "visible:" + RegistrySnapshots.KeyOf(caller.Principals),
            async c => (IReadOnlyList<ServerView>)[.. (await queries.ListVisibleAsync(caller.Principals, c)).Select(ServerView.Of)],
            list => Math.Max(1, list.Count),
            MaxKeptList,
            ct);
        return [.. appServers.All.Select(ServerView.Of), .. visible!];
    }

    /// <summary>A page of app-level and database servers together, ordered by name, after an opaque cursor.</summary>
    public async Task<Result<ServerPage>> PageAsync(Caller caller, int? limit, string? cursor, string? search, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            errors.Add(new FieldError("limit", $"limit must be between 1 and {MaxPageSize}", "out_of_range"));
        }

        string? after = null;
        if (cursor is not null && !PageCursor.TryDecode(cursor, out after))
        {
            errors.Add(new FieldError("cursor", "cursor is not a cursor this API returned", "invalid_cursor"));
        }

        var term = search?.Trim();
        if (term is not null && term.Length < 2)
        {
            errors.Add(new FieldError("search", "search must be at least 2 characters long", "too_short"));
        }
        else if (term is { Length: > 100 })
        {
            errors.Add(new FieldError("search", "search must be at most 100 characters long", "too_long"));
        }

        if (errors.Count > 0)
        {
            return Error.Validation("Invalid query", errors);
        }

        // The first page, which every opening of the panel asks for, is kept per set of principals; later pages and
        // searches are read each time.
        var fromDb = after is null && term is null
            ? (await snapshots.ReadAsync(
                $"first:{size + 1}:" + RegistrySnapshots.KeyOf(caller.Principals),
                async c => await queries.PageVisibleAsync(caller.Principals, null, size + 1, null, c),
                page => Math.Max(1, page.Count),
                MaxPageSize + 1,
                ct))!
            : await queries.PageVisibleAsync(caller.Principals, after, size + 1, term, ct);
        var fromApp = appServers.All
            .Where(s => after is null || string.CompareOrdinal(s.Name, after) > 0)
            .Where(s => term is null || Matches(s, term))
            .Take(size + 1)
            .Select(ServerView.Of);
        var merged = fromApp.Concat(fromDb.Select(ServerView.Of))
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .Take(size + 1)
            .ToList();
        var hasMore = merged.Count > size;
        var pageItems = hasMore ? merged[..size] : merged;
        return new ServerPage(pageItems, hasMore ? PageCursor.Encode(pageItems[^1].Name) : null);
    }

    public async Task<Result<ServerView>> GetAsync(Caller caller, string name, CancellationToken ct)
    {
        if (appServers.Find(name) is { } app)
        {
            return ServerView.Of(app);
        }

        var found = await FindViewableAsync(caller, name, ct);
        return found.IsSuccess ? ServerView.Of(found.Value.Server) : found.Error!;
    }

    public async Task<Result<ServerView>> CreateAsync(Caller caller, McpServerConfig input, CancellationToken ct)
    {
        var config = UserManaged(input);
        if (await CheckUrlsAsync(config, ct) is { } invalid)
        {
            return invalid;
        }

        var title = config.Title;
        var baseSlug = string.IsNullOrEmpty(title) ? null : ServerNaming.Slugify(title);
        var (server, failure) = await servers.CreateAsync(
            new NewServer(config, caller.UserId, baseSlug),
            taken => baseSlug is null ? ServerNaming.RandomName() : ServerNaming.NextFree(baseSlug, taken, IsReservedName),
            options.MaxServersPerUser,
            ct);
        if (failure == CreateFailure.QuotaExceeded || server is null)
        {
            return new Error(ErrorKind.Conflict, "Conflict", $"A user may own at most {options.MaxServersPerUser} MCP servers");
        }

        await catalogRevisions.RegistryChangedAsync(ct);
        await audit.WriteAsync(new AuditEvent(caller.UserId, AuditActions.ServerCreated, AccessRole.ResourceType, server.Id.ToString(), new Dictionary<string, string?> { ["serverName"] = server.Name }), ct);
        return ServerView.Of(server);
    }

    /// <summary>Full replacement of the config. When its <see cref="CredentialBinding"/> changes (where credentials are
    /// sent: url, header templates, OAuth endpoints, client id, auth method), every credential bound to the old one —
    /// each user's tokens and variables, the client registrations, an omitted client secret — is deleted in the same
    /// transaction as the change, and audited; users are then asked to enter or authorize again.</summary>
    public async Task<Result<ServerView>> UpdateAsync(Caller caller, string name, McpServerConfig input, long? expectedVersion, CancellationToken ct)
    {
        if (appServers.Find(name) is not null)
        {
            return ReadOnly(name);
        }

        var found = await FindAuthorizedAsync(caller, name, PermissionBits.Edit, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var current = found.Value.Server;
        if (expectedVersion is { } v && v != current.Version)
        {
            return VersionMismatch;
        }

        var requested = UserManaged(input);
        var bindingChanged = CredentialBinding.Of(current.Config) != CredentialBinding.Of(requested);
        var merged = SecretBinding.CarryOverSecrets(current.Config, requested, bindingChanged);
        if (!merged.IsSuccess)
        {
            return merged.Error!;
        }

        if (await CheckUrlsAsync(merged.Value, ct) is { } invalid)
        {
            return invalid;
        }

        var record = new AuditEvent(caller.UserId, AuditActions.ServerUpdated, AccessRole.ResourceType, current.Id.ToString(), new Dictionary<string, string?> { ["serverName"] = name });
        var updated = await servers.UpdateAsync(current.Id, merged.Value, expectedVersion ?? current.Version, bindingChanged, record, ct);
        if (updated is null)
        {
            return VersionMismatch;
        }

        await changes.ServerChangedAsync(name, ct);
        await catalogRevisions.RegistryChangedAsync(ct);
        return ServerView.Of(updated);
    }

    public async Task<Result<Success>> DeleteAsync(Caller caller, string name, long? expectedVersion, CancellationToken ct)
    {
        if (appServers.Find(name) is not null)
        {
            return ReadOnly(name);
        }

        var found = await FindAuthorizedAsync(caller, name, PermissionBits.Delete, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var current = found.Value.Server;
        if (expectedVersion is { } v && v != current.Version)
        {
            return VersionMismatch;
        }

        var record = new AuditEvent(caller.UserId, AuditActions.ServerDeleted, AccessRole.ResourceType, current.Id.ToString(), new Dictionary<string, string?> { ["serverName"] = name });
        if (!await servers.DeleteAsync(current.Id, expectedVersion, record, ct))
        {
            return expectedVersion is null ? ServerNotFound : VersionMismatch;
        }

        await changes.ServerChangedAsync(name, ct);
        await catalogRevisions.RegistryChangedAsync(ct);
        return Success.Instance;
    }

    /// <summary>A server the caller may use (app-level, or VIEW on a database server), with its secrets, for
    /// connecting; anything else is <see cref="NotInConfiguration"/> so that existence is not revealed.</summary>
    public async Task<Result<UsableServer>> ResolveForUseAsync(Caller caller, string name, CancellationToken ct)
    {
        if (appServers.Find(name) is { } app)
        {
            return UsableServer.Of(app);
        }

        var found = await FindViewableAsync(caller, name, ct);
        return found.IsSuccess ? UsableServer.Of(found.Value.Server) : NotInConfiguration(name);
    }

    /// <summary>The server by name with its secrets and no access check: for the platform's own work on behalf of a
    /// flow a caller already started (the OAuth callback carries no caller).</summary>
    public async Task<UsableServer?> ResolveForPlatformAsync(string name, CancellationToken ct)
    {
        if (appServers.Find(name) is { } app)
        {
            return UsableServer.Of(app);
        }

        var found = ServerNaming.IsAddressable(name) ? await SharedAsync(name, ct) : null;
        return found is null ? null : UsableServer.Of(found.Server);
    }

    /// <summary>Records that a database server turned out to need authorization (it answered 401), so that from now
    /// on it gets per-user connections.</summary>
    public async Task MarkRequiresOAuthAsync(string name, CancellationToken ct)
    {
        if (appServers.Find(name) is null)
        {
            await servers.MarkRequiresOAuthAsync(name, ct);
            await catalogRevisions.RegistryChangedAsync(ct);
        }
    }

    /// <summary>The server by name if the caller may VIEW it (admins always may), as kept in memory for the current
    /// registry revision: reads see what changes through this instance at once and other instances' changes within
    /// the revisions' freshness, as the list does. Changes read the database (<see cref="FindAuthorizedAsync"/>).</summary>
    private async Task<Result<ServerAccess>> FindViewableAsync(Caller caller, string name, CancellationToken ct)
    {
        var shared = ServerNaming.IsAddressable(name) ? await SharedAsync(name, ct) : null;
        var found = shared is null ? null : shared.AccessFor(caller.Principals) ?? await queries.FindAsync(name, caller.Principals, ct);
        if (found is null)
        {
            return ServerNotFound;
        }

        return AccessPolicy.Allows(caller.IsAdmin, found.Bits, PermissionBits.View) ? found : InsufficientPermissions;
    }

    // A server and each 8 of its entries count as one unit of the snapshots' capacity.
    private Task<SharedServer?> SharedAsync(string name, CancellationToken ct) =>
        snapshots.ReadAsync("server:" + name, c => queries.FindSharedAsync(name, MaxKeptGrants, c), s => 1 + s.Grants.Count / 8, 1 + MaxKeptGrants / 8, ct);

    /// <summary>The server by name if the caller holds <paramref name="required"/> on it (admins always do), read
    /// from the database: what a change is checked against.</summary>
    private async Task<Result<ServerAccess>> FindAuthorizedAsync(Caller caller, string name, PermissionBits required, CancellationToken ct)
    {
        var found = ServerNaming.IsAddressable(name) ? await queries.FindAsync(name, caller.Principals, ct) : null;
        if (found is null)
        {
            return ServerNotFound;
        }

        return AccessPolicy.Allows(caller.IsAdmin, found.Bits, required) ? found : InsufficientPermissions;
    }

    private bool IsReservedName(string name) => ServerNaming.RouteWords.Contains(name) || appServers.Find(name) is not null;

    /// <summary>User input never carries server-managed keys or stdio members; the validator has refused stdio.</summary>
    private static McpServerConfig UserManaged(McpServerConfig input) => new()
    {
        Type = input.Type,
        Url = input.Url,
        Title = input.Title,
        Description = input.Description,
        IconPath = input.IconPath,
        Headers = input.Headers,
        CustomUserVars = input.CustomUserVars,
        OAuth = input.OAuth,
    };

    /// <summary>Where the config sends requests: every URL passes the outbound address policy; OAuth endpoints are
    /// https (plain http only to a loopback host the policy allows) and come from one source.</summary>
    private async Task<Error?> CheckUrlsAsync(McpServerConfig config, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        foreach (var (path, value, isOAuth) in OutboundUrls(config))
        {
            if (value is null || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
            {
                continue;
            }

            if (await urlPolicy.CheckAsync(uri, ct) is { } reason)
            {
                errors.Add(new FieldError(path, reason, "url_not_allowed"));
            }
            else if (isOAuth && uri.Scheme != Uri.UriSchemeHttps && !urlPolicy.AllowsPlainHttp(uri))
            {
                errors.Add(new FieldError(path, "OAuth endpoints must be https URLs", "https_required"));
            }
        }

        errors.AddRange(OAuth.OAuthEndpoints.CheckConfigured(config.OAuth));
        return errors.Count == 0 ? null : Error.Validation("Invalid configuration", errors);
    }

    private static IEnumerable<(string Path, string? Url, bool IsOAuth)> OutboundUrls(McpServerConfig config)
    {
        yield return ("url", config.Url, false);
        yield return ("oauth.authorization_url", config.OAuth?.AuthorizationUrl, true);
        yield return ("oauth.token_url", config.OAuth?.TokenUrl, true);
        yield return ("oauth.revocation_endpoint", config.OAuth?.RevocationEndpoint, true);
    }

    private static bool Matches(AppServer server, string term) =>
        server.Name.Contains(term, StringComparison.OrdinalIgnoreCase)
        || (server.Config.Title?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false)
        || (server.Config.Description?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false);
}
