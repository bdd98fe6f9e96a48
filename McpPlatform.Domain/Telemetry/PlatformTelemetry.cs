using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace McpPlatform.Domain.Telemetry;

/// <summary>
/// The platform's own instruments (System.Diagnostics, so the domain needs no telemetry package); the API exports
/// them with OpenTelemetry under the meter and activity source named <see cref="Name"/>.
/// </summary>
public static class PlatformTelemetry
{
    public const string Name = "McpPlatform";

    public static readonly ActivitySource Activities = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>OAuth flows by outcome: started, completed, failed, iss_mismatch.</summary>
    public static readonly Counter<long> OAuthFlows = Meter.CreateCounter<long>("mcp.oauth.flows", description: "OAuth authorization flows by outcome");

    /// <summary>Token refreshes by outcome: success, invalid_grant, error, already_refreshed.</summary>
    public static readonly Counter<long> TokenRefreshes = Meter.CreateCounter<long>("mcp.oauth.token_refreshes", description: "Access-token refreshes by outcome");

    /// <summary>Connection attempts by outcome (connected, unauthorized, timeout, unreachable, protocol) and transport.</summary>
    public static readonly Histogram<double> ConnectDuration = Meter.CreateHistogram<double>("mcp.connect.duration", "ms", "Time to open an MCP session and list its tools");

    public static readonly Histogram<double> ToolListDuration = Meter.CreateHistogram<double>("mcp.tools_list.duration", "ms", "Time of one bounded tools/list");

    /// <summary>Tool calls by outcome: ok, is_error, not_found, oauth_required, timeout, upstream_error, circuit_open.</summary>
    public static readonly Counter<long> ToolCalls = Meter.CreateCounter<long>("mcp.tool_calls", description: "Tool calls by outcome");

    public static readonly Counter<long> SsrfRefusals = Meter.CreateCounter<long>("mcp.ssrf.refusals", description: "Outbound URLs or addresses refused by the SSRF rule");

    /// <summary>Tool-cache lookups by result: hit, miss.</summary>
    public static readonly Counter<long> ToolCacheLookups = Meter.CreateCounter<long>("mcp.tool_cache.lookups", description: "Tool-cache lookups by result");

    /// <summary>Registry reads served from memory (hit), read from PostgreSQL (miss), or joined to a read of the same
    /// key already in flight (joined); tagged with the kind of value (server, list, page).</summary>
    public static readonly Counter<long> RegistryCacheLookups = Meter.CreateCounter<long>("mcp.registry.cache.lookups", description: "Registry in-memory reads by result and kind");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<object, Func<IEnumerable<Measurement<int>>>> ConnectionSources = new();

    private static readonly ObservableGauge<int> Connections = Meter.CreateObservableGauge(
        "mcp.connections", () => ConnectionSources.Values.SelectMany(source => source()), description: "Live MCP connections by state and kind (shared or per user)");

    /// <summary>Adds a pool's connections to the <c>mcp.connections</c> gauge (one gauge, however many pools a process hosts).</summary>
    public static void ObserveConnections(object owner, Func<IEnumerable<Measurement<int>>> observe)
    {
        _ = Connections;
        ConnectionSources[owner] = observe;
    }

    public static void StopObserving(object owner) => ConnectionSources.TryRemove(owner, out _);

    public static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
