namespace McpPlatform.Domain.Servers;

/// <summary>Rough bytes a server takes in memory, for caches bounded in bytes: its texts at two bytes a character
/// (the icon can be a 64 KiB data URI) and a fixed share for the objects around them.</summary>
public static class ServerSizes
{
    private const int Overhead = 512;

    public static long Of(McpServerConfig config) =>
        Overhead
        + 2L * ((config.Url?.Length ?? 0) + (config.Title?.Length ?? 0) + (config.Description?.Length ?? 0) + (config.IconPath?.Length ?? 0))
        + 128L * (config.Headers?.Count ?? 0)
        + 512L * (config.CustomUserVars?.Count ?? 0);

    public static long Of(IReadOnlyList<McpServer> servers)
    {
        long total = 64;
        foreach (var server in servers)
        {
            total += Of(server.Config);
        }

        return total;
    }
}
