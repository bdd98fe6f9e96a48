using System.Text.Json;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>Everything needed to open one MCP session, with placeholders already filled.</summary>
public sealed record ConnectionTarget(
    string ServerName,
    TransportKind Transport,
    Uri? Url,
    IReadOnlyDictionary<string, string> Headers,
    string? Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    TimeSpan ConnectTimeout);

/// <summary>A tool as the server describes it.</summary>
public sealed record ToolInfo(string Name, string? Description, JsonElement? InputSchema);

/// <summary>Bounds on one <c>tools/list</c>: pages, tools, bytes and time.</summary>
public sealed record ToolListLimits(int MaxPages, int MaxTools, long MaxBytes, TimeSpan Timeout);

/// <summary>An MCP <c>CallToolResult</c> as JSON (content, structuredContent, isError), passed through as the server sent it.</summary>
public sealed record ToolCallResult(JsonElement Result, bool IsError);

/// <summary>Why talking to an upstream MCP server failed.</summary>
public enum UpstreamFailure
{
    /// <summary>No answer in time.</summary>
    Timeout,

    /// <summary>Not reachable, connection dropped, or refused by the SSRF guard.</summary>
    Unreachable,

    /// <summary>It answered with something that is not MCP.</summary>
    Protocol,

    /// <summary>It wants authorization (401, or 403 insufficient_scope).</summary>
    Unauthorized,

    /// <summary>It answered the request with a JSON-RPC error (e.g. an unknown tool or invalid arguments).</summary>
    Rejected,

    /// <summary>It sent a message larger than <see cref="ConnectionOptions.MaxMessageBytes"/>, cut off while being read.</summary>
    TooLarge,
}

/// <summary>Thrown by the connector when the upstream server fails; the message is safe to show (no secrets).</summary>
public sealed class McpUpstreamException(UpstreamFailure failure, string message, Exception? inner = null, OAuth.WwwAuthenticateChallenge? challenge = null) : Exception(message, inner)
{
    public UpstreamFailure Failure { get; } = failure;

    /// <summary>The Bearer challenge of the 401/403 that caused an <see cref="UpstreamFailure.Unauthorized"/>, when the server sent one.</summary>
    public OAuth.WwwAuthenticateChallenge? Challenge { get; } = challenge;
}

/// <summary>One open MCP session.</summary>
public interface IMcpSession : IAsyncDisposable
{
    /// <summary>Completes when the session ends (server exited, connection dropped, disposed).</summary>
    Task Completion { get; }

    Task<IReadOnlyList<ToolInfo>> ListToolsAsync(ToolListLimits limits, CancellationToken ct);

    Task<ToolCallResult> CallToolAsync(string name, JsonElement? arguments, CancellationToken ct);
}

/// <summary>Opens sessions to MCP servers (the official SDK in infrastructure).</summary>
public interface IMcpConnector
{
    /// <param name="onToolsChanged">Called when the server sends <c>notifications/tools/list_changed</c>.</param>
    Task<IMcpSession> ConnectAsync(ConnectionTarget target, Func<Task> onToolsChanged, CancellationToken ct);
}

/// <summary>Cached tool lists per (server, owner); the owner is a user id, or <see cref="ConnectionKey.Shared"/>.</summary>
public interface IToolCache
{
    Task<IReadOnlyList<ToolInfo>?> GetAsync(string serverName, string owner, CancellationToken ct);

    /// <summary>Several lists in one round trip; keys without a cached list are absent.</summary>
    Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ToolInfo>>> GetManyAsync(IReadOnlyList<ConnectionKey> keys, CancellationToken ct);

    Task SetAsync(string serverName, string owner, IReadOnlyList<ToolInfo> tools, CancellationToken ct);

    Task RemoveAsync(string serverName, string owner, CancellationToken ct);

    /// <summary>Forgets every owner's tools for the server.</summary>
    Task RemoveServerAsync(string serverName, CancellationToken ct);
}

/// <summary>
/// Revisions of what tool catalogues are built from, shared by every instance: one for the registry (servers and who
/// may see them) and one per server for its cached tool lists, each a value that every change replaces. A catalogue
/// built at some revision can be served again, without rebuilding it, for as long as those values have not moved.
/// </summary>
public interface ICatalogRevisions
{
    /// <summary>The registry's revision and each named server's tools revision, in at most one round trip.</summary>
    Task<CatalogRevision> ReadAsync(IReadOnlyList<string> serverNames, CancellationToken ct);

    /// <summary>The registry's revision, or null when it cannot be read promptly (the shared store is down or slow):
    /// then nothing kept from the registry may be served, and the registry itself is read.</summary>
    Task<long?> TryReadRegistryAsync(CancellationToken ct);

    /// <summary>A server was created, changed or deleted, or its ACL changed.</summary>
    Task RegistryChangedAsync(CancellationToken ct);

    /// <summary>A tool list of the server was stored or forgotten (for any owner).</summary>
    Task ToolsChangedAsync(string serverName, CancellationToken ct);
}

/// <summary>The values a catalogue was built at; equal revisions mean nothing it was built from has changed.</summary>
public sealed record CatalogRevision(long Registry, string Tools)
{
    public static CatalogRevision Of(long registry, IEnumerable<long> tools) => new(registry, string.Join(',', tools));
}

/// <summary>A user's credential variables per server, stored encrypted and bound to a <see cref="CredentialKey"/>:
/// a variable stored under another binding is never read back.</summary>
public interface ICredentialStore
{
    Task<IReadOnlyDictionary<string, string>> GetAsync(string userId, CredentialKey key, CancellationToken ct);

    /// <summary>Sets the given variables (others stay as they are, unless they were stored under another binding:
    /// those go) and records <paramref name="audit"/>, in one transaction.</summary>
    Task SetAsync(string userId, CredentialKey key, IReadOnlyDictionary<string, string> values, Audit.AuditEvent audit, CancellationToken ct);

    /// <summary>Deletes the user's variables for the server, whatever their binding, and records
    /// <paramref name="audit"/>, in one transaction.</summary>
    Task<int> DeleteAsync(string userId, Guid serverId, Audit.AuditEvent audit, CancellationToken ct);

    /// <summary>For each server (by id), the names of the variables the user has set (no values). A hint for the
    /// catalogue's <c>authenticated</c> flag, so bindings are not checked: what counts is <see cref="GetAsync"/>.</summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlySet<string>>> ListNamesAsync(string userId, CancellationToken ct);
}

/// <summary>Told when a server's definition changes or it is deleted, so live state for it is dropped.</summary>
public interface IServerChangeListener
{
    Task ServerChangedAsync(string serverName, CancellationToken ct);
}

/// <summary>The <c>Mcp</c> timers and bounds the connection layer uses; all configurable so tests can shorten them.</summary>
public sealed class ConnectionOptions
{
    /// <summary>8 MiB: a tools/list page of <see cref="ToolListMaxBytes"/> or a result of <see cref="ToolResultMaxBytes"/>
    /// (5 MiB each by default) fits, with room for the JSON-RPC envelope, SSE framing and escaping.</summary>
    public const long DefaultMaxMessageBytes = 8 * 1024 * 1024;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan ToolCallTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public int ConnectAttempts { get; set; } = 2;
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(500);
    public int CircuitBreakerFailures { get; set; } = 3;
    public TimeSpan CircuitBreakerCooldown { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan UserConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);
    public int MaxConnectionsPerUser { get; set; } = 50;
    public int ToolListMaxPages { get; set; } = 50;
    public int ToolListMaxTools { get; set; } = 1000;
    public long ToolListMaxBytes { get; set; } = 5 * 1024 * 1024;
    public TimeSpan ToolListTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public long ToolResultMaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>The largest MCP message read from a server over HTTP (a JSON body, or one SSE event), counted as it is
    /// read, before the SDK buffers or parses it: past it the request and the session fail.</summary>
    public long MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    public ToolListLimits ToolListLimits => new(ToolListMaxPages, ToolListMaxTools, ToolListMaxBytes, ToolListTimeout);

    /// <summary>Every value that would make connections misbehave, named by its configuration key.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (key, value) in new (string, TimeSpan)[]
        {
            ("Mcp:ConnectTimeout", ConnectTimeout), ("Mcp:ToolCallTimeout", ToolCallTimeout), ("Mcp:CircuitBreakerCooldown", CircuitBreakerCooldown),
            ("Mcp:UserConnectionIdleTimeout", UserConnectionIdleTimeout), ("Mcp:ToolListTimeout", ToolListTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{key} must be a positive duration (hh:mm:ss), not {value}.";
            }
        }

        if (RetryBackoff < TimeSpan.Zero)
        {
            yield return "Mcp:RetryBackoff must not be negative.";
        }

        foreach (var (key, value) in new (string, long)[]
        {
            ("Mcp:ConnectAttempts", ConnectAttempts), ("Mcp:CircuitBreakerFailures", CircuitBreakerFailures), ("Mcp:MaxConnectionsPerUser", MaxConnectionsPerUser),
            ("Mcp:ToolListMaxPages", ToolListMaxPages), ("Mcp:ToolListMaxTools", ToolListMaxTools), ("Mcp:ToolListMaxBytes", ToolListMaxBytes), ("Mcp:ToolResultMaxBytes", ToolResultMaxBytes),
            ("Mcp:MaxMessageBytes", MaxMessageBytes),
        })
        {
            if (value <= 0)
            {
                yield return $"{key} must be positive, not {value}.";
            }
        }
    }
}
