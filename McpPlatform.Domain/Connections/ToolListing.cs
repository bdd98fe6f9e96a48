using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>A caller's tool catalogue: each server of <see cref="Servers"/> is
/// <see cref="ToolCatalogService.IdleOf"/> unless it is in <see cref="Differing"/>, by name (those with cached tools
/// or with variables the caller sets).</summary>
public sealed record ToolListing(ServerListing Servers, IReadOnlyDictionary<string, ServerTools> Differing)
{
    public IReadOnlyList<ServerTools> All() =>
        [.. Servers.All().Select(v => Differing.TryGetValue(v.Name, out var tools) ? tools : ToolCatalogService.IdleOf(v))];
}
