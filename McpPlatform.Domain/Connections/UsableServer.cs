using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>A server a caller may use, with its secrets, as the connection layer needs it.</summary>
public sealed record UsableServer(Guid Id, string Name, McpServerConfig Config, DateTimeOffset Stamp, ServerSource Source)
{
    public static UsableServer Of(AppServer server) => new(server.Id, server.Name, server.Config, server.LoadedAt, ServerSource.App);

    public static UsableServer Of(McpServer server) => new(server.Id, server.Name, server.Config, server.UpdatedAt, ServerSource.Db);

    /// <summary>From a view: its config is masked, enough for status (never for credentials).</summary>
    public static UsableServer Of(ServerView view) => new(view.Id, view.Name, view.Config, view.UpdatedAt, view.Source);

    /// <summary>Where the caller's credentials for this server belong, computed from the config each time (so a copy
    /// with another config never carries a stale fingerprint). Needs the full config, not a masked view of it.</summary>
    public CredentialKey Credentials => new(Id, CredentialBinding.Of(Config));

    public ConnectionKey KeyFor(string userId) => ConnectionKey.For(Name, Config, userId);

    /// <summary>Whether the server needs authorization: configured, or an <c>oauth</c> block is present.</summary>
    public bool RequiresOAuth => Config.RequiresOAuth ?? Config.OAuth is not null;
}
