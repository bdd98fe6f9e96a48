namespace McpPlatform.Infrastructure.Caching;

/// <summary>The <c>McpRegistry</c> configuration section: the registry's in-memory reads.</summary>
public sealed class RegistryCacheOptions
{
    public const string Section = "McpRegistry";

    /// <summary>Serve registry reads from memory while no change touched them (on by default). Off, every read goes
    /// to PostgreSQL: the benchmark's uncached rows, and a way to rule the cache out when diagnosing.</summary>
    public bool CacheReads { get; set; } = true;

    /// <summary>The estimated bytes the registry's in-memory reads may hold in one instance (256 MiB).</summary>
    public long CacheBytes { get; set; } = 256L * 1024 * 1024;
}
