using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Connections;

/// <summary><c>GET /api/mcp/tools</c>: every usable server with its cached tools. Reads caches only, so a slow or
/// dead server never delays it; tools appear once a connection has listed them. Each catalogue carries the revision
/// it was built at, so that a rendering of it can be served again while <see cref="IsCurrentAsync"/> holds for it.</summary>
public sealed class ToolCatalogService(
    Servers.ServerRegistryService registry, IToolCache toolCache, ICredentialStore credentials, Servers.IChangeRevisions changes, ICatalogRevisions revisions)
{
    public const string Delimiter = "_mcp_";

    public async Task<ToolCatalog> ListAsync(Caller caller, CancellationToken ct)
    {
        // Each revision is read before what it covers: a change made while the catalogue is being built moves it away
        // from the value kept with the catalogue, which is then rebuilt on the next request rather than kept stale.
        var registryRevision = (await changes.ReadAsync(ct)).Registry;
        var servers = await registry.ListAsync(caller, ct);
        var toolsRevisions = await revisions.ReadToolsAsync([.. servers.Select(s => s.Name)], ct);
        var keys = servers.Select(s => ConnectionKey.For(s.Name, s.Config, caller.UserId)).ToList();
        // A server whose tools revision never moved has never had a tool list stored (each store moves it, awaited):
        // there is nothing to look up for it, which at a million servers is nearly all of a caller's.
        var listed = keys.Where((_, i) => toolsRevisions[i] != 0).ToList();
        var cached = listed.Count == 0 ? new Dictionary<ConnectionKey, IReadOnlyList<ToolInfo>>() : await toolCache.GetManyAsync(listed, ct);
        Telemetry.PlatformTelemetry.ToolCacheLookups.Add(cached.Count, Telemetry.PlatformTelemetry.Tag("result", "hit"));
        Telemetry.PlatformTelemetry.ToolCacheLookups.Add(keys.Distinct().Count() - cached.Count, Telemetry.PlatformTelemetry.Tag("result", "miss"));
        var setVariables = servers.Any(s => s.Config.CustomUserVars is { Count: > 0 })
            ? await credentials.ListNamesAsync(caller.UserId, ct)
            : new Dictionary<Guid, IReadOnlySet<string>>();
        ServerTools[] catalogue = [.. servers.Select((server, i) =>
        {
            var declared = server.Config.CustomUserVars ?? new Dictionary<string, Servers.CustomUserVar>();
            var set = setVariables.GetValueOrDefault(server.Id);
            var tools = cached.GetValueOrDefault(keys[i]) ?? [];
            return new ServerTools(
                server.Name,
                server.Config.IconPath ?? string.Empty,
                // Authenticated once every declared variable is set (LibreChat says false whenever any is declared).
                declared.Keys.All(name => set?.Contains(name) == true),
                [.. declared.Select(v => new AuthField(v.Key, v.Value.Title, v.Value.Description ?? string.Empty))],
                [.. tools.Select(t => new CatalogTool(t.Name, t.Name + Delimiter + server.Name, t.Description ?? string.Empty, t.InputSchema))]);
        })];
        return new ToolCatalog(catalogue, CatalogRevision.Of(registryRevision, toolsRevisions));
    }

    /// <summary>Whether nothing a catalogue of these servers built for <paramref name="principals"/> at
    /// <paramref name="revision"/> was built from has changed since: no registry change touched their lists (which
    /// covers every change to a server they can see) and no server's tools changed (a database and a Redis round trip,
    /// in parallel). A credential change needs no revision of its own, since it closes the user's connection and so
    /// forgets its tools.</summary>
    public async Task<bool> IsCurrentAsync(IReadOnlyList<PrincipalKey> principals, IReadOnlyList<string> serverNames, CatalogRevision revision, CancellationToken ct)
    {
        var registry = changes.ReadAsync(ct);
        var tools = revisions.ReadToolsAsync(serverNames, ct);
        await Task.WhenAll(registry, tools);
        return registry.Result.StillCurrent(revision.Registry, Servers.RegistrySnapshots.ScopesOf(principals))
            && CatalogRevision.Of(revision.Registry, tools.Result) == revision;
    }
}
