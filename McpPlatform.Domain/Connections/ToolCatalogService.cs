using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary><c>GET /api/mcp/tools</c>: every usable server with its cached tools. Reads caches only, so a slow or
/// dead server never delays it; tools appear once a connection has listed them. Nearly every server of a large
/// registry has no tools cached and declares no variables, so it looks the same to every caller
/// (<see cref="IdleOf"/>); only the others are worked out per request (<see cref="ToolListing"/>).</summary>
public sealed class ToolCatalogService(ServerRegistryService registry, IToolCache toolCache, ICredentialStore credentials, ICatalogRevisions revisions, ToolEntryMemo memo)
{
    public const string Delimiter = "_mcp_";

    /// <summary>Every server's entry, in the listing's order.</summary>
    public async Task<IReadOnlyList<ServerTools>> ListAsync(Caller caller, CancellationToken ct) => (await ListingAsync(caller, ct)).All();

    public async Task<ToolListing> ListingAsync(Caller caller, CancellationToken ct)
    {
        var listing = await registry.ListingAsync(caller, ct);
        var servers = listing.Each().ToList();
        var toolsRevisions = await revisions.ReadToolsAsync([.. servers.Select(s => s.Name)], ct);
        // A server whose tools revision never moved has never had a tool list stored (each store moves it, awaited),
        // and one without variables is authenticated for everyone: such a server is idle.
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var differing = new List<(ServerView Server, long ToolsRevision)>();
        for (var i = 0; i < servers.Count; i++)
        {
            if ((toolsRevisions[i] != 0 || servers[i].Config.CustomUserVars is { Count: > 0 }) && listed.Add(servers[i].Name))
            {
                differing.Add((servers[i], toolsRevisions[i]));
            }
        }

        var setVariables = differing.Any(s => s.Server.Config.CustomUserVars is { Count: > 0 })
            ? await credentials.ListNamesAsync(caller.UserId, ct)
            : new Dictionary<Guid, IReadOnlySet<string>>();
        var entries = new Dictionary<string, ServerTools>(StringComparer.Ordinal);
        var toRead = new List<(ServerView Server, long ToolsRevision, ConnectionKey Key, bool Authenticated)>();
        foreach (var (server, toolsRevision) in differing)
        {
            var key = ConnectionKey.For(server.Name, server.Config, caller.UserId);
            var authenticated = IsAuthenticated(server, setVariables.GetValueOrDefault(server.Id));
            if (toolsRevision != 0 && memo.TryGet(key, toolsRevision, server, authenticated, out var kept))
            {
                entries[server.Name] = kept;
            }
            else
            {
                toRead.Add((server, toolsRevision, key, authenticated));
            }
        }

        var keys = toRead.Where(r => r.ToolsRevision != 0).Select(r => r.Key).Distinct().ToList();
        var cached = keys.Count == 0 ? new Dictionary<ConnectionKey, IReadOnlyList<ToolInfo>>() : await toolCache.GetManyAsync(keys, ct);
        Telemetry.PlatformTelemetry.ToolCacheLookups.Add(cached.Count, Telemetry.PlatformTelemetry.Tag("result", "hit"));
        Telemetry.PlatformTelemetry.ToolCacheLookups.Add(keys.Count - cached.Count, Telemetry.PlatformTelemetry.Tag("result", "miss"));
        foreach (var (server, toolsRevision, key, authenticated) in toRead)
        {
            var entry = Entry(server, authenticated, cached.GetValueOrDefault(key) ?? []);
            entries[server.Name] = entry;
            if (toolsRevision != 0)
            {
                memo.Keep(key, toolsRevision, server, authenticated, entry);
            }
        }

        return new ToolListing(listing, entries);
    }

    /// <summary>A server's entry when no tools are cached for it and the caller has set none of its variables.</summary>
    public static ServerTools IdleOf(ServerView server) => Entry(server, IsAuthenticated(server, null), []);

    /// <summary>Authenticated once every declared variable is set (LibreChat says false whenever any is declared).</summary>
    private static bool IsAuthenticated(ServerView server, IReadOnlySet<string>? setVariables) =>
        (server.Config.CustomUserVars ?? new Dictionary<string, CustomUserVar>()).Keys.All(name => setVariables?.Contains(name) == true);

    private static ServerTools Entry(ServerView server, bool authenticated, IReadOnlyList<ToolInfo> tools)
    {
        var declared = server.Config.CustomUserVars ?? new Dictionary<string, CustomUserVar>();
        return new ServerTools(
            server.Name,
            server.Config.IconPath ?? string.Empty,
            authenticated,
            [.. declared.Select(v => new AuthField(v.Key, v.Value.Title, v.Value.Description ?? string.Empty))],
            [.. tools.Select(t => new CatalogTool(t.Name, t.Name + Delimiter + server.Name, t.Description ?? string.Empty, t.InputSchema))]);
    }
}
