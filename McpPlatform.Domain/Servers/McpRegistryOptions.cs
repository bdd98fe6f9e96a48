namespace McpPlatform.Domain.Servers;

/// <summary>The registry's limits (set from configuration by the wiring).</summary>
public sealed class McpRegistryOptions
{
    public int MaxServersPerUser { get; set; } = 100;
}
