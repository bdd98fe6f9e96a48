using System.Text.Json;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.OAuth;
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
    OAuthService oauth,
    AccessTokenService accessTokens,
    ConnectionOptions options)
{
    /// <summary>Why a connection could not be opened: missing variables, or the server wants the user to authorize (with the URL).</summary>
    private sealed record Blocked(IReadOnlyList<string>? MissingUserVars, bool OAuthRequired, string? OAuthUrl, Error? Error);

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
        await pool.DisconnectAsync(server.KeyFor(caller.UserId), ct);
        try
        {
            var (_, blocked) = await ConnectAsync(caller, server, ct);
            return blocked switch
            {
                null => new ReinitializeOutcome(true, $"MCP server '{name}' reinitialized successfully", name, false, null, null),
                { MissingUserVars: { } missing } => new ReinitializeOutcome(false, $"MCP server '{name}' needs these variables set first: {string.Join(", ", missing)}", name, false, null, missing),
                { OAuthRequired: true, OAuthUrl: { } url } => new ReinitializeOutcome(true, $"MCP server '{name}' ready for OAuth authentication", name, true, url, null),
                _ => new ReinitializeOutcome(false, $"MCP server '{name}' requires authorization: {blocked.Error?.Message ?? blocked.Error?.ErrorText}", name, true, null, null),
            };
        }
        catch (Exception e) when (e is McpUpstreamException or CircuitOpenException or OAuthException)
        {
            return new ReinitializeOutcome(false, $"Failed to reinitialize MCP server '{name}': {e.Message}", name, false, null, null);
        }
    }

    /// <summary>After a completed authorization: replace the user's connection with one that uses the new tokens
    /// (<paramref name="storedTokens"/> when the callback has them at hand, else read from the store).
    /// Best effort — the callback still ends on success when this fails.</summary>
    public async Task<bool> ReconnectAfterAuthorizationAsync(string userId, string serverName, TokenSet? storedTokens, CancellationToken ct)
    {
        var server = await registry.ResolveForPlatformAsync(serverName, ct);
        if (server is null)
        {
            return false;
        }

        // No disconnect first: the new tokens carry a new version, so the pool replaces a session opened with older
        // ones, and the fresh session's tool list overwrites the cached one.
        var caller = new Caller(userId, SystemRoles.User, []);
        var connected = await TryConnectAsync();
        if (!connected)
        {
            // What is cached came from the previous authorization.
            var key = server.KeyFor(userId);
            await toolCache.RemoveAsync(key.ServerName, key.Owner, ct);
        }

        return connected;

        async Task<bool> TryConnectAsync()
        {
            try
            {
                var (session, _) = await ConnectAsync(caller, server, ct, justStored: storedTokens);
                return session is not null;
            }
            catch (Exception e) when (e is McpUpstreamException or CircuitOpenException or OAuthException)
            {
                return false;
            }
        }
    }

    /// <summary>Runs one tool on the caller's connection (their variables and tokens) and returns the server's result.</summary>
    public async Task<Result<ToolCallResult>> CallToolAsync(Caller caller, string name, string toolName, JsonElement? arguments, CancellationToken ct)
    {
        var result = await CallToolCoreAsync(caller, name, toolName, arguments, ct);
        var outcome = result.IsSuccess ? (result.Value.IsError ? "is_error" : "ok") : result.Error!.ErrorText switch
        {
            "oauth_required" => "oauth_required",
            "upstream_timeout" => "timeout",
            "circuit_open" => "circuit_open",
            _ => result.Error.Kind == ErrorKind.NotFound ? "not_found" : result.Error.Kind == ErrorKind.Validation ? "invalid" : "upstream_error",
        };
        Telemetry.PlatformTelemetry.ToolCalls.Add(1, Telemetry.PlatformTelemetry.Tag("outcome", outcome));
        return result;
    }

    private async Task<Result<ToolCallResult>> CallToolCoreAsync(Caller caller, string name, string toolName, JsonElement? arguments, CancellationToken ct)
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
        // Whether a failure came from the open session (counted here against the breaker) or from connecting (the pool counts those).
        var connected = false;
        try
        {
            var (session, blocked) = await ConnectAsync(caller, server, ct);
            connected = session is not null;
            if (blocked is not null)
            {
                return BlockedError(name, blocked);
            }

            var tools = await toolCache.GetAsync(name, key.Owner, ct) ?? await session!.ListToolsAsync(options.ToolListLimits, ct);
            if (!tools.Any(t => t.Name == toolName))
            {
                return new Error(ErrorKind.NotFound, $"Tool '{toolName}' not found on MCP server '{name}'");
            }

            ToolCallResult result;
            try
            {
                result = await CallWithTimeoutAsync(session!, toolName, arguments, ct);
            }
            catch (McpUpstreamException e) when (e.Failure == UpstreamFailure.Unauthorized && server.RequiresOAuth)
            {
                // The token was refused mid-session (expired, revoked, or more scope needed): refresh or step up once.
                var refused = pool.Snapshot(key)?.CredentialStamp;
                await pool.DisconnectAsync(key, ct);
                connected = false;
                (session, blocked) = await ConnectAsync(caller, server, ct, refusedVersion: e.Challenge?.Error == "insufficient_scope" ? null : refused, challenge: e.Challenge);
                if (blocked is not null)
                {
                    return BlockedError(name, blocked);
                }

                connected = true;
                result = await CallWithTimeoutAsync(session!, toolName, arguments, ct);
            }

            // The server answered (a tool error is still an answer): its run of failed calls is over.
            pool.CallSucceeded(name);
            return result.Result.GetRawText().Length > options.ToolResultMaxBytes
                ? new Error(ErrorKind.UpstreamFailed, "upstream_result_too_large", $"The tool's result exceeds {options.ToolResultMaxBytes} bytes")
                : result;
        }
        catch (McpUpstreamException e)
        {
            return await UpstreamErrorAsync(caller, server, key, e, connected, ct);
        }
        catch (OAuthException e)
        {
            return new Error(ErrorKind.UpstreamFailed, "oauth_error", e.Message);
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
        // Views carry masked configs: enough for the status (never for credentials).
        var servers = (await registry.ListAsync(caller, ct)).Select(v => new UsableServer(v.Id, v.Name, v.Config, v.UpdatedAt, v.Source)).ToList();
        var snapshots = servers.Select(s => (Server: s, State: Snapshot(caller, s))).ToList();
        // Only OAuth servers that are not connected consult their flows: one round trip for all of them.
        var waiting = snapshots.Where(s => s.Server.RequiresOAuth && s.State.State == ConnectionState.Disconnected).Select(s => s.Server.Name).ToList();
        var flows = waiting.Count == 0
            ? new Dictionary<string, (bool Active, bool Failed)>()
            : await oauth.FlowStatesAsync(caller.UserId, waiting, ct);
        return [.. snapshots.Select(s => WithFlow(s.Server, s.State, flows.TryGetValue(s.Server.Name, out var flow) ? flow : null))];
    }

    public async Task<Result<ServerStatus>> StatusAsync(Caller caller, string name, CancellationToken ct)
    {
        var resolved = await registry.ResolveForUseAsync(caller, name, ct);
        if (!resolved.IsSuccess)
        {
            return resolved.Error!;
        }

        var server = resolved.Value;
        var state = Snapshot(caller, server);
        var flow = server.RequiresOAuth && state.State == ConnectionState.Disconnected ? await oauth.FlowStateAsync(caller.UserId, server.Name, ct) : ((bool, bool)?)null;
        return WithFlow(server, state, flow);
    }

    private (ConnectionState State, string? Error) Snapshot(Caller caller, UsableServer server)
    {
        var snapshot = pool.Snapshot(server.KeyFor(caller.UserId));
        var state = ConnectionStatusRules.Derive(snapshot, server.Stamp);
        return (state, state == ConnectionState.Error ? snapshot?.Error : null);
    }

    /// <summary>LibreChat §6.2: a disconnected OAuth server with a failed (or expired) flow is an error, with a pending one connecting.</summary>
    private static ServerStatus WithFlow(UsableServer server, (ConnectionState State, string? Error) current, (bool Active, bool Failed)? flow) => flow switch
    {
        { Failed: true } => new ServerStatus(server.Name, server.RequiresOAuth, ConnectionState.Error, "The last authorization attempt failed or expired"),
        { Active: true } => new ServerStatus(server.Name, server.RequiresOAuth, ConnectionState.Connecting, null),
        _ => new ServerStatus(server.Name, server.RequiresOAuth, current.State, current.Error),
    };

    private async Task<IReadOnlyDictionary<string, string>> VariablesAsync(Caller caller, UsableServer server, CancellationToken ct) =>
        server.Config.CustomUserVars is { Count: > 0 }
            ? await credentials.GetAsync(caller.UserId, server.Credentials, ct)
            : new Dictionary<string, string>();

    /// <summary>
    /// Opens (or reuses) the caller's session. OAuth servers get their access token (refreshed when due); a 401 from
    /// a server that was not known to need OAuth marks it as needing it; when authorization is needed the result
    /// carries the authorization URL instead of a session.
    /// </summary>
    private async Task<(IMcpSession? Session, Blocked? Blocked)> ConnectAsync(Caller caller, UsableServer server, CancellationToken ct, long? refusedVersion = null, WwwAuthenticateChallenge? challenge = null, TokenSet? justStored = null)
    {
        var variables = await VariablesAsync(caller, server, ct);
        if (ConnectionTargets.MissingVariables(server.Config, variables) is { Count: > 0 } missing)
        {
            return (null, new Blocked(missing, false, null, null));
        }

        if (challenge?.Error == "insufficient_scope")
        {
            return (null, await AuthorizationNeededAsync(caller, server, challenge, ct));
        }

        string? bearer = null;
        long credentialStamp = 0;
        if (server.RequiresOAuth)
        {
            var token = await accessTokens.GetValidAsync(caller.UserId, server, refusedVersion, justStored, ct);
            if (token is null)
            {
                return (null, await AuthorizationNeededAsync(caller, server, challenge, ct));
            }

            bearer = token.AccessToken;
            credentialStamp = token.Version;
        }

        var (target, unfilled) = ConnectionTargets.Build(server, variables, options, bearer);
        if (unfilled.Count > 0)
        {
            return (null, new Blocked(unfilled, false, null, null));
        }

        try
        {
            return (await pool.GetOrConnectAsync(server.KeyFor(caller.UserId), () => target, server.Stamp, ct, credentialStamp), null);
        }
        catch (McpUpstreamException e) when (e.Failure == UpstreamFailure.Unauthorized)
        {
            if (!server.RequiresOAuth)
            {
                // Detected: the server wants authorization. From now on it is per user.
                await registry.MarkRequiresOAuthAsync(server.Name, ct);
                server = server with { Config = server.Config with { RequiresOAuth = true } };
                return (null, await AuthorizationNeededAsync(caller, server, e.Challenge, ct));
            }

            if (refusedVersion is null && e.Challenge?.Error != "insufficient_scope")
            {
                // The stored token was refused: refresh once and try again; a refused fresh token means authorize again.
                return await ConnectAsync(caller, server, ct, refusedVersion: credentialStamp, challenge: e.Challenge);
            }

            return (null, await AuthorizationNeededAsync(caller, server, e.Challenge, ct));
        }
    }

    private async Task<Blocked> AuthorizationNeededAsync(Caller caller, UsableServer server, WwwAuthenticateChallenge? challenge, CancellationToken ct)
    {
        var stepUp = challenge?.Error == "insufficient_scope" ? challenge.Scope : null;
        var url = await oauth.AuthorizationUrlAsync(caller, server, challenge, stepUp, ct);
        return url.IsSuccess ? new Blocked(null, true, url.Value, null) : new Blocked(null, true, null, url.Error);
    }

    private static Error BlockedError(string name, Blocked blocked) => blocked.MissingUserVars is { } missing
        ? new Error(ErrorKind.Validation, $"MCP server '{name}' needs these variables set first: {string.Join(", ", missing)}",
            Extensions: new Dictionary<string, object?> { ["missingUserVars"] = missing })
        : blocked.OAuthUrl is not null
            ? new Error(ErrorKind.Forbidden, "oauth_required", $"MCP server '{name}' requires authorization", Extensions: new Dictionary<string, object?> { ["oauthUrl"] = blocked.OAuthUrl })
            : blocked.Error ?? new Error(ErrorKind.UpstreamFailed, "oauth_error", $"MCP server '{name}' requires authorization, and it could not be started");

    private async Task<ToolCallResult> CallWithTimeoutAsync(IMcpSession session, string toolName, JsonElement? arguments, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.ToolCallTimeout);
        try
        {
            return await session.CallToolAsync(toolName, arguments is { ValueKind: JsonValueKind.Object } ? arguments : null, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new McpUpstreamException(UpstreamFailure.Timeout, $"tools/call {toolName} failed: no answer within {options.ToolCallTimeout.TotalSeconds:0} s");
        }
    }

    /// <param name="onSession">The failure came from an open session (tools/list or tools/call), not from connecting.</param>
    private async Task<Error> UpstreamErrorAsync(Caller caller, UsableServer server, ConnectionKey key, McpUpstreamException e, bool onSession, CancellationToken ct)
    {
        if (e.Failure == UpstreamFailure.Unauthorized)
        {
            await pool.DisconnectAsync(key, ct);
            return BlockedError(server.Name, await AuthorizationNeededAsync(caller, server, e.Challenge, ct));
        }

        await pool.MarkBrokenAsync(key, e.Message);
        // A server that accepts sessions but never completes a call trips the breaker too; a refusal is an answer.
        var message = onSession && e.Failure != UpstreamFailure.Rejected && pool.CallFailed(server.Name) ? e.Message + " (circuit opened)" : e.Message;
        return e.Failure switch
        {
            UpstreamFailure.Timeout => new Error(ErrorKind.UpstreamTimeout, "upstream_timeout", message),
            // Cut off at the transport (Mcp:MaxMessageBytes) before it could be read whole: as a result over ToolResultMaxBytes is.
            UpstreamFailure.TooLarge when onSession => new Error(ErrorKind.UpstreamFailed, "upstream_result_too_large", message),
            _ => new Error(ErrorKind.UpstreamFailed, "upstream_error", message),
        };
    }
}

/// <summary>LibreChat's connection-state derivation (reference §6.2), from in-memory state only.</summary>
public static class ConnectionStatusRules
{
    /// <summary>No connection, or one made from an older version of the config, is <c>disconnected</c>.</summary>
    public static ConnectionState Derive(ConnectionSnapshot? snapshot, DateTimeOffset currentStamp) =>
        snapshot is null || snapshot.ConfigStamp != currentStamp ? ConnectionState.Disconnected : snapshot.State;
}
