using System.Text.Json;
using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Connections;

/// <summary>
/// The live MCP sessions of this instance, one per <see cref="ConnectionKey"/> (the runtime lives in the
/// infrastructure): connects on demand, guards each server with its circuit breaker, and answers status reads without
/// ever connecting. A server's failure is an <see cref="UpstreamErrors"/> value, an open circuit
/// <see cref="UpstreamErrors.CircuitOpen"/>.
/// </summary>
public interface IMcpSessions
{
    /// <summary>What is known about a connection, without touching it.</summary>
    ConnectionSnapshot? Snapshot(ConnectionKey key);

    /// <summary>The open session for the key, connecting when there is none or the one there was made from an older
    /// config (<paramref name="configStamp"/>) or older credentials (<paramref name="credentialStamp"/>, e.g. the
    /// version of the access token it was opened with). <paramref name="target"/> is built only to connect.</summary>
    Task<Result<IMcpSession>> GetOrConnectAsync(ConnectionKey key, Func<ConnectionTarget> target, DateTimeOffset configStamp, long credentialStamp, CancellationToken ct);

    /// <summary>One <c>tools/list</c> on the key's open session.</summary>
    Task<Result<IReadOnlyList<ToolInfo>>> ListToolsAsync(ConnectionKey key, IMcpSession session, CancellationToken ct);

    /// <summary>One tool call on the key's open session, within the call timeout. Its outcome counts toward the
    /// server's circuit (a server that accepts sessions but never completes a call is cut off too); a session that
    /// failed a call for any reason but authorization is closed, so the next use reconnects.</summary>
    Task<Result<ToolCallResult>> CallToolAsync(ConnectionKey key, IMcpSession session, string toolName, JsonElement? arguments, CancellationToken ct);

    /// <summary>Closes the key's session (reinitialize, credential or token change); its tools are forgotten.</summary>
    Task DisconnectAsync(ConnectionKey key, CancellationToken ct);

    /// <summary>Closes every session of the server, for every owner (config change, delete); its tools are forgotten.</summary>
    Task DropServerAsync(string serverName, CancellationToken ct);
}
