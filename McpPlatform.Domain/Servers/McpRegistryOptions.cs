namespace McpPlatform.Domain.Servers;

/// <summary>The registry's limits: the wiring sets <see cref="MaxServersPerUser"/> and <see cref="CacheReads"/> from
/// configuration; <see cref="MaxKeptGrants"/> is the default here.</summary>
public sealed class McpRegistryOptions
{
    public int MaxServersPerUser { get; set; } = 100;

    /// <summary>Whether registry reads are served from memory while no change touched them.</summary>
    public bool CacheReads { get; set; } = true;

    /// <summary>A server is kept in memory with at most this many ACL entries; one shared more widely is checked by
    /// the database for each caller.</summary>
    public int MaxKeptGrants { get; set; } = 64;
}
