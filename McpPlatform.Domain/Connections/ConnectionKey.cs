using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>Which connection serves a caller for a server: one shared connection, or one per user.</summary>
public readonly record struct ConnectionKey(string ServerName, string Owner)
{
    public const string Shared = "";

    /// <summary>Servers that authenticate per user (OAuth, or per-user variables) get one connection per user; the
    /// rest share one, whoever asks.</summary>
    public static bool IsPerUser(McpServerConfig config) =>
        config.OAuth is not null || config.RequiresOAuth == true || config.CustomUserVars is { Count: > 0 };

    public static ConnectionKey For(string serverName, McpServerConfig config, string userId) =>
        new(serverName, IsPerUser(config) ? userId : Shared);

    public bool IsShared => Owner.Length == 0;
}
