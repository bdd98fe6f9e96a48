using System.Text.Json;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

public sealed record ReinitializeOutcome(bool Success, string Message, string ServerName, bool OAuthRequired, string? OAuthUrl, IReadOnlyList<string>? MissingUserVars);

public sealed record ServerStatus(string ServerName, bool RequiresOAuth, ConnectionState State, string? Error);

/// <summary>Connecting, reinitializing, status and tool calls for the servers a caller may use.</summary>
public sealed class McpConnectionService(
    ServerRegistryService registry,
    ConnectionPool pool,
    ICredentialStore credentials,
    IToolCache toolCache,
    ConnectionOptions options)
{
    /// <summary>Disconnects, forgets the cached tools and connects again (LibreChat: a plain connection failure is a
    /// 200 with <c>success: false</c>).</summary>
    public async Task<Result<ReinitializeOutcome>> ReinitializeAsync(Caller caller, string name, CancellationToken ct)
    {
        var resolved = await registry.ResolveForUseAsync(caller, name, ct);
        if (!resolved.IsSuccess)
        {
            return resolved.Error!;
        }

        var server = resolved.Value;
        var key = server.KeyFor(caller.UserId);
        await pool.DisconnectAsync(key, ct);
        var (target, missing) = ConnectionTargets.Build(server, await VariablesAsync(caller, server, ct), options);
        if (missing.Count > 0)
        {
            return new ReinitializeOutcome(false, $"MCP server '{name}' needs these variables set first: {string.Join(", ", missing)}", name, false, null, missing);
        }

        try
        {
            await pool.GetOrConnectAsync(key, () => target, server.Stamp, ct);
            return new ReinitializeOutcome(true, $"MCP server '{name}' reinitialized successfully", name, false, null, null);
        }
        catch (McpUpstreamException e) when (e.Failure == UpstreamFailure.Unauthorized)
        {
            return new ReinitializeOutcome(false, $"MCP server '{name}' requires authorization: {e.Message}", name, true, null, null);
        }
        catch (Exception e) when (e is McpUpstreamException or CircuitOpenException)
        {
            return new ReinitializeOutcome(false, $"Failed to reinitialize MCP server '{name}': {e.Message}", name, false, null, null);
        }
    }

    /// <summary>Runs one tool on the caller's connection (their variables and tokens) and returns the server's result.</summary>
    public async Task<Result<ToolCallResult>> CallToolAsync(Caller caller, string name, string toolName, JsonElement? arguments, CancellationToken ct)
    {
        if (arguments is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            return Error.Validation("Invalid request", [new FieldError("arguments", "arguments must be a JSON object", "invalid_type")]);
        }

        var resolved = await registry.ResolveForUseAsync(caller, name, ct);
        if (!resolved.IsSuccess)
        {
            return resolved.Error!;
        }

        var server = resolved.Value;
        var key = server.KeyFor(caller.UserId);
        var (target, missing) = ConnectionTargets.Build(server, await VariablesAsync(caller, server, ct), options);
        if (missing.Count > 0)
        {
            return new Error(ErrorKind.Validation, $"MCP server '{name}' needs these variables set first: {string.Join(", ", missing)}",
                Extensions: new Dictionary<string, object?> { ["missingUserVars"] = missing });
        }

        try
        {
            var session = await pool.GetOrConnectAsync(key, () => target, server.Stamp, ct);
            var tools = await toolCache.GetAsync(name, key.Owner, ct) ?? await session.ListToolsAsync(options.ToolListLimits, ct);
            if (!tools.Any(t => t.Name == toolName))
            {
                return new Error(ErrorKind.NotFound, $"Tool '{toolName}' not found on MCP server '{name}'");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.ToolCallTimeout);
            try
            {
                var result = await session.CallToolAsync(toolName, arguments is { ValueKind: JsonValueKind.Object } ? arguments : null, timeout.Token);
                return result.Result.GetRawText().Length > options.ToolResultMaxBytes
                    ? new Error(ErrorKind.UpstreamFailed, "upstream_result_too_large", $"The tool's result exceeds {options.ToolResultMaxBytes} bytes")
                    : result;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new McpUpstreamException(UpstreamFailure.Timeout, $"The tool did not answer within {options.ToolCallTimeout.TotalSeconds:0} s");
            }
        }
        catch (McpUpstreamException e)
        {
            return await UpstreamErrorAsync(key, name, e);
        }
        catch (CircuitOpenException e)
        {
            return new Error(ErrorKind.Unavailable, "circuit_open", e.Message,
                Extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = (int)Math.Ceiling(e.RetryAfter.TotalSeconds) });
        }
    }

    /// <summary>Status of every server the caller can use, from what this instance already knows: never connects.</summary>
    public async Task<IReadOnlyList<ServerStatus>> StatusAllAsync(Caller caller, CancellationToken ct)
    {
        var servers = await registry.ListAsync(caller, ct);
        return [.. servers.Select(view => Status(caller, view.Name, view.Config, view.UpdatedAt))];
    }

    public async Task<Result<ServerStatus>> StatusAsync(Caller caller, string name, CancellationToken ct)
    {
        var resolved = await registry.ResolveForUseAsync(caller, name, ct);
        return resolved.IsSuccess ? Status(caller, name, resolved.Value.Config, resolved.Value.Stamp) : resolved.Error!;
    }

    private ServerStatus Status(Caller caller, string name, McpServerConfig config, DateTimeOffset stamp)
    {
        var server = new UsableServer(name, config, stamp, ServerSource.Db);
        var snapshot = pool.Snapshot(server.KeyFor(caller.UserId));
        var state = ConnectionStatusRules.Derive(snapshot, stamp);
        return new ServerStatus(name, server.RequiresOAuth, state, state == ConnectionState.Error ? snapshot?.Error : null);
    }

    private async Task<IReadOnlyDictionary<string, string>> VariablesAsync(Caller caller, UsableServer server, CancellationToken ct) =>
        server.Config.CustomUserVars is { Count: > 0 }
            ? await credentials.GetAsync(caller.UserId, server.Name, ct)
            : new Dictionary<string, string>();

    private async Task<Error> UpstreamErrorAsync(ConnectionKey key, string name, McpUpstreamException e)
    {
        switch (e.Failure)
        {
            case UpstreamFailure.Unauthorized:
                return new Error(ErrorKind.Forbidden, "oauth_required", $"MCP server '{name}' requires authorization",
                    Extensions: new Dictionary<string, object?> { ["oauthUrl"] = null });
            case UpstreamFailure.Timeout:
                await pool.MarkBrokenAsync(key, e.Message);
                return new Error(ErrorKind.UpstreamTimeout, "upstream_timeout", e.Message);
            default:
                await pool.MarkBrokenAsync(key, e.Message);
                return new Error(ErrorKind.UpstreamFailed, "upstream_error", e.Message);
        }
    }
}

/// <summary>LibreChat's connection-state derivation (reference §6.2), from in-memory state only.</summary>
public static class ConnectionStatusRules
{
    /// <summary>No connection, or one made from an older version of the config, is <c>disconnected</c>.</summary>
    public static ConnectionState Derive(ConnectionSnapshot? snapshot, DateTimeOffset currentStamp) =>
        snapshot is null || snapshot.ConfigStamp != currentStamp ? ConnectionState.Disconnected : snapshot.State;
}
