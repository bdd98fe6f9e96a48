namespace McpPlatform.Domain.Connections;

/// <summary>The values a catalogue was built at; equal revisions mean nothing it was built from has changed.</summary>
public sealed record CatalogRevision(long Registry, string Tools)
{
    public static CatalogRevision Of(long registry, IEnumerable<long> tools) => new(registry, string.Join(',', tools));
}
