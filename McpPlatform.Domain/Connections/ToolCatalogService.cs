using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary><c>GET /api/mcp/tools</c>: every usable server with its cached tools. Reads caches only, so a slow or
/// dead server never delays it; tools appear once a connection has listed them. Nearly every server of a large
/// registry has no tools cached and declares no variables, so it looks the same to every caller
/// (<see cref="IdleOf"/>); only the others are worked out per request (<see cref="ToolListing"/>).</summary>
public sealed class ToolCatalogService(ServerRegistryService registry, IToolCache toolCache, ICredentialStore credentials, ICatalogRevisions revisions)
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
        var differing = new List<ServerView>();
        for (var i = 0; i < servers.Count; i++)
        {
            var hasTools = toolsRevisions[i] != 0;
            if ((hasTools || servers[i].Config.CustomUserVars is { Count: > 0 }) && listed.Add(servers[i].Name))
            {
                differing.Add(servers[i]);
            }
        }

        var keys = differing.Select(s => ConnectionKey.For(s.Name, s.Config, caller.UserId)).ToList();
        var cached = keys.Count == 0 ? new Dictionary<ConnectionKey, IReadOnlyList<ToolInfo>>() : await toolCache.GetManyAsync(keys, ct);
        Telemetry.PlatformTelemetry.ToolCacheLookups.Add(cached.Count, Telemetry.PlatformTelemetry.Tag("result", "hit"));
        Telemetry.PlatformTelemetry.ToolCacheLookups.Add(keys.Distinct().Count() - cached.Count, Telemetry.PlatformTelemetry.Tag("result", "miss"));
        var setVariables = differing.Any(s => s.Config.CustomUserVars is { Count: > 0 })
            ? await credentials.ListNamesAsync(caller.UserId, ct)
            : new Dictionary<Guid, IReadOnlySet<string>>();
        var entries = new Dictionary<string, ServerTools>(StringComparer.Ordinal);
        for (var i = 0; i < differing.Count; i++)
        {
            entries[differing[i].Name] = Entry(differing[i], setVariables.GetValueOrDefault(differing[i].Id), cached.GetValueOrDefault(keys[i]) ?? []);
        }

        return new ToolListing(listing, entries);
    }

    /// <summary>A server's entry when no tools are cached for it and the caller has set none of its variables.</summary>
    public static ServerTools IdleOf(ServerView server) => Entry(server, null, []);

    private static ServerTools Entry(ServerView server, IReadOnlySet<string>? setVariables, IReadOnlyList<ToolInfo> tools)
    {
        var declared = server.Config.CustomUserVars ?? new Dictionary<string, CustomUserVar>();
        return new ServerTools(
            server.Name,
            server.Config.IconPath ?? string.Empty,
            // Authenticated once every declared variable is set (LibreChat says false whenever any is declared).
            declared.Keys.All(name => setVariables?.Contains(name) == true),
            [.. declared.Select(v => new AuthField(v.Key, v.Value.Title, v.Value.Description ?? string.Empty))],
            [.. tools.Select(t => new CatalogTool(t.Name, t.Name + Delimiter + server.Name, t.Description ?? string.Empty, t.InputSchema))]);
    }
}
