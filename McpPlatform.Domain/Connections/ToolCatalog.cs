namespace McpPlatform.Domain.Connections;

/// <summary>A caller's catalogue and the revision of what it was built from.</summary>
public sealed record ToolCatalog(IReadOnlyList<ServerTools> Servers, CatalogRevision Revision);
