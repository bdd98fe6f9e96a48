namespace McpPlatform.Domain.Servers;

/// <summary>A server as a caller sees it: secrets masked, with what the list and ETag need.</summary>
public sealed record ServerView(Guid Id, string Name, ServerSource Source, McpServerConfig Config, DateTimeOffset UpdatedAt, long? Version)
{
    public static ServerView Of(McpServer server) =>
        new(server.Id, server.Name, ServerSource.Db, server.Config.Masked(), server.UpdatedAt, server.Version);

    public static ServerView Of(AppServer server) =>
        new(server.Id, server.Name, ServerSource.App, server.Config.Masked(), server.LoadedAt, null);

    /// <summary>The id the sharing routes address a database server by; app-level servers are not shared.</summary>
    public Guid? DbId => Source == ServerSource.Db ? Id : null;

    /// <summary>The entity tag a client sends back in <c>If-Match</c>.</summary>
    public string? ETag => Version is { } v ? $"\"{v}\"" : null;
}
