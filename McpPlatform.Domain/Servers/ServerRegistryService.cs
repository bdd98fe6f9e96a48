using McpPlatform.Domain.Access;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// The server registry as callers read it: app-level servers merged with the user-managed ones the caller may see
/// (list, page, get), and the servers a caller or the platform may use (resolve). Changes are
/// <see cref="ServerChangeService"/>'s, apart from the platform's own <c>requiresOAuth</c> mark.
/// </summary>
public sealed class ServerRegistryService(
    IServerQueries queries,
    IServerRepository servers,
    IAppServerCatalog appServers,
    RegistrySnapshots snapshots,
    McpRegistryOptions options)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    /// <summary>Every server the caller can use: app-level ones, then the database ones they can VIEW (a database
    /// server never shadows an app-level name, since those names are reserved), in name order.</summary>
    public async Task<IReadOnlyList<ServerView>> ListAsync(Caller caller, CancellationToken ct) => (await ListingAsync(caller, ct)).All();

    /// <summary>The same servers in the parts they are kept in (<see cref="ServerListing"/>).</summary>
    public async Task<ServerListing> ListingAsync(Caller caller, CancellationToken ct)
    {
        // The public servers are one list shared by every caller, changed only by a change to a public server; the
        // caller's own, shared and group servers are kept per set of principals, changed only by a change to a server
        // one of them holds an entry on.
        var personal = caller.Principals.Where(p => p != PrincipalKey.Public).ToList();
        var now = await snapshots.RevisionsAsync(ct);
        var everyone = caller.Principals.Contains(PrincipalKey.Public) ? await VisibleToAsync(now, [PrincipalKey.Public], ct) : [];
        var own = personal.Count == 0 ? [] : await VisibleToAsync(now, personal, ct);
        return new ServerListing([.. appServers.All.Select(ServerView.Of)], everyone, own);
    }

    /// <summary>A page of app-level and database servers together, ordered by name, after an opaque cursor.</summary>
    public async Task<Result<ServerPage>> PageAsync(Caller caller, int? limit, string? cursor, string? search, CancellationToken ct)
    {
        var request = PageRequest.Parse(limit, cursor, search, DefaultPageSize, MaxPageSize);
        if (!request.IsSuccess)
        {
            return request.Error!;
        }

        var (size, after, term) = request.Value;
        // The first page, which every opening of the panel asks for, is kept per set of principals; later pages and
        // searches are read each time.
        var fromDb = after is null && term is null
            ? (await snapshots.ReadAsync(
                "first-page",
                $"first:{size + 1}:" + RegistrySnapshots.KeyOf(caller.Principals),
                RegistrySnapshots.ScopesOf(caller.Principals),
                async c => await queries.PageVisibleAsync(caller.Principals, null, size + 1, null, c),
                ServerSizes.Of,
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

    /// <summary>A server the caller may use (app-level, or VIEW on a database server), with its secrets, for
    /// connecting; anything else is <see cref="ServerErrors.NotInConfiguration"/> so that existence is not revealed.</summary>
    public async Task<Result<UsableServer>> ResolveForUseAsync(Caller caller, string name, CancellationToken ct)
    {
        if (appServers.Find(name) is { } app)
        {
            return UsableServer.Of(app);
        }

        var found = await FindViewableAsync(caller, name, ct);
        return found.IsSuccess ? UsableServer.Of(found.Value.Server) : ServerErrors.NotInConfiguration(name);
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
        }
    }

    /// <summary>The server by name if the caller may VIEW it (admins always may), as kept in memory for the current
    /// registry revision: a read sees every change answered before it started, on any instance, as the list does.
    /// Changes read the database (<see cref="ServerChangeService"/>).</summary>
    private async Task<Result<ServerAccess>> FindViewableAsync(Caller caller, string name, CancellationToken ct)
    {
        var shared = ServerNaming.IsAddressable(name) ? await SharedAsync(name, ct) : null;
        var found = shared is null ? null : shared.AccessFor(caller.Principals) ?? await queries.FindAsync(name, caller.Principals, ct);
        if (found is null)
        {
            return ServerErrors.ServerNotFound;
        }

        return AccessPolicy.Allows(caller.IsAdmin, found.Bits, PermissionBits.View) ? found : ServerErrors.InsufficientPermissions;
    }

    private Task<SharedServer?> SharedAsync(string name, CancellationToken ct) =>
        snapshots.ReadAsync(
            "server", "server:" + name, [RegistryScopes.Server(name)],
            c => queries.FindSharedAsync(name, options.MaxKeptGrants, c), s => ServerSizes.Of(s.Server.Config) + 64L * s.Grants.Count, ct);

    /// <summary>The database servers <paramref name="principals"/> may VIEW, in name order.</summary>
    private async Task<IReadOnlyList<ServerView>> VisibleToAsync(ChangeRevisions now, IReadOnlyList<PrincipalKey> principals, CancellationToken ct) =>
        (await snapshots.ReadAsync<IReadOnlyList<ServerView>>(
            now,
            "list",
            "visible:" + RegistrySnapshots.KeyOf(principals),
            RegistrySnapshots.ScopesOf(principals),
            async c => [.. (await queries.ListVisibleAsync(principals, c)).Select(ServerView.Of)],
            views => views.Sum(v => ServerSizes.Of(v.Config)),
            ct))!;

    private static bool Matches(AppServer server, string term) =>
        server.Name.Contains(term, StringComparison.OrdinalIgnoreCase)
        || (server.Config.Title?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false)
        || (server.Config.Description?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false);
}
