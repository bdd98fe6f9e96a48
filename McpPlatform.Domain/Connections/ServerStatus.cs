using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>One server's connection state as the caller sees it.</summary>
public sealed record ServerStatus(string ServerName, bool RequiresOAuth, ConnectionState State, string? Error)
{
    /// <summary>A server nobody holds a connection to and no flow is pending for.</summary>
    public static ServerStatus IdleOf(ServerView view) => new(view.Name, UsableServer.Of(view).RequiresOAuth, ConnectionState.Disconnected, null);
}
