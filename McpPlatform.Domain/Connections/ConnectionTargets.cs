using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>How a caller's connection target is made from a server's config and the caller's own variables.</summary>
public static class ConnectionTargets
{
    /// <summary>The declared per-user variables the caller has not set.</summary>
    public static IReadOnlyList<string> MissingVariables(McpServerConfig config, IReadOnlyDictionary<string, string> values) =>
        [.. (config.CustomUserVars?.Keys ?? []).Where(name => !values.TryGetValue(name, out var v) || v.Length == 0).Order(StringComparer.Ordinal)];

    /// <summary>Fills <c>{{VAR}}</c> placeholders in url, headers and env from the caller's own variables.</summary>
    public static (ConnectionTarget Target, IReadOnlyList<string> Missing) Build(UsableServer server, IReadOnlyDictionary<string, string> values, ConnectionOptions options, string? bearerToken = null)
    {
        var config = server.Config;
        var missing = new SortedSet<string>(MissingVariables(config, values), StringComparer.Ordinal);
        var url = config.Url is null ? null : Placeholders.Fill(config.Url, values, missing);
        var headers = (config.Headers ?? new Dictionary<string, string>()).ToDictionary(h => h.Key, h => Placeholders.Fill(h.Value, values, missing), StringComparer.OrdinalIgnoreCase);
        if (bearerToken is not null)
        {
            headers["Authorization"] = "Bearer " + bearerToken;
        }

        var env = (config.Env ?? new Dictionary<string, string>()).ToDictionary(e => e.Key, e => Placeholders.Fill(e.Value, values, missing), StringComparer.Ordinal);
        var timeout = config.InitTimeout is > 0 ? TimeSpan.FromMilliseconds(config.InitTimeout.Value) : options.ConnectTimeout;
        var target = new ConnectionTarget(
            server.Name,
            config.Transport,
            url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null,
            headers,
            config.Command,
            config.Args ?? [],
            env,
            timeout);
        return (target, [.. missing]);
    }
}
