namespace McpPlatform.Domain.Servers;

/// <summary>The registry's limits: the wiring sets <see cref="MaxServersPerUser"/> from configuration; the sizes of
/// what is kept in memory are the defaults here.</summary>
public sealed class McpRegistryOptions
{
    public int MaxServersPerUser { get; set; } = 100;

    /// <summary>A caller's unpaged list is kept in memory only up to this many servers, so that a few callers who see
    /// most of the registry cannot push everyone else's lists out (the paged list is what serves them).</summary>
    public int MaxKeptList { get; set; } = 5_000;

    /// <summary>A server is kept in memory with at most this many ACL entries; one shared more widely is checked by
    /// the database for each caller.</summary>
    public int MaxKeptGrants { get; set; } = 64;
}
