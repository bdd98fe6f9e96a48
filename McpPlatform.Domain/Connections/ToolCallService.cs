using System.Text.Json;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Domain.Connections;

/// <summary>Runs one tool on the caller's connection (their variables and tokens) and returns the server's result.</summary>
public sealed class ToolCallService(ServerRegistryService registry, IMcpSessions sessions, SessionOpener opener, IToolCache toolCache, ConnectionOptions options)
{
    public async Task<Result<ToolCallResult>> CallToolAsync(Caller caller, string name, string toolName, JsonElement? arguments, CancellationToken ct)
    {
        var result = await CallCoreAsync(caller, name, toolName, arguments, ct);
        PlatformTelemetry.ToolCalls.Add(1, PlatformTelemetry.Tag("outcome", Outcome(result)));
        return result;
    }

    /// <summary>The metric's outcome, by the error's kind (and, among refusals, its code).</summary>
    private static string Outcome(Result<ToolCallResult> result) => result.IsSuccess ? (result.Value.IsError ? "is_error" : "ok") : result.Error!.Kind switch
    {
        ErrorKind.UpstreamTimeout => "timeout",
        ErrorKind.Unavailable => "circuit_open",
        ErrorKind.NotFound => "not_found",
        ErrorKind.Validation => "invalid",
        ErrorKind.Forbidden when result.Error.ErrorText == WireCodes.OAuthRequired => "oauth_required",
        _ => "upstream_error",
    };

    private async Task<Result<ToolCallResult>> CallCoreAsync(Caller caller, string name, string toolName, JsonElement? arguments, CancellationToken ct)
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
        var opened = await opener.OpenAsync(caller, server, ct);
        if (!opened.IsSuccess || opened.Value.Block is not null)
        {
            return NotOpened(name, opened);
        }

        var session = opened.Value.Session!;
        var tools = await toolCache.GetAsync(name, key.Owner, ct);
        if (tools is null)
        {
            var listed = await sessions.ListToolsAsync(key, session, ct);
            if (!listed.IsSuccess)
            {
                return await OnSessionFailedAsync(caller, server, key, listed.Error!, ct);
            }

            tools = listed.Value;
        }

        if (!tools.Any(t => t.Name == toolName))
        {
            return new Error(ErrorKind.NotFound, $"Tool '{toolName}' not found on MCP server '{name}'");
        }

        var result = await sessions.CallToolAsync(key, session, toolName, arguments, ct);
        if (!result.IsSuccess && UpstreamErrors.IsUnauthorized(result.Error!) && server.RequiresOAuth)
        {
            // The token was refused mid-session (expired, revoked, or more scope needed): refresh or step up once.
            var challenge = UpstreamErrors.ChallengeOf(result.Error!);
            var refused = sessions.Snapshot(key)?.CredentialStamp;
            await sessions.DisconnectAsync(key, ct);
            opened = await opener.OpenAsync(caller, server, ct, refusedVersion: challenge?.Error == WireCodes.InsufficientScope ? null : refused, challenge: challenge);
            if (!opened.IsSuccess || opened.Value.Block is not null)
            {
                return NotOpened(name, opened);
            }

            result = await sessions.CallToolAsync(key, opened.Value.Session!, toolName, arguments, ct);
        }

        if (!result.IsSuccess)
        {
            return await OnSessionFailedAsync(caller, server, key, result.Error!, ct);
        }

        return result.Value.Result.GetRawText().Length > options.ToolResultMaxBytes
            ? new Error(ErrorKind.UpstreamFailed, WireCodes.UpstreamResultTooLarge, $"The tool's result exceeds {options.ToolResultMaxBytes} bytes")
            : result;
    }

    /// <summary>Why no session: the block (missing variables, authorization), or the failure of connecting as the
    /// caller sees it (an open circuit and a failed refresh as they are).</summary>
    private static Error NotOpened(string name, Result<OpenedSession> opened) =>
        opened.IsSuccess ? opened.Value.Block!.ToError(name) : UpstreamErrors.ForCaller(opened.Error!, onSession: false);

    /// <summary>A failure of the open session (the runtime has closed it and counted it): an authorization the server
    /// now wants is asked for, anything else is told as the caller sees it.</summary>
    private async Task<Error> OnSessionFailedAsync(Caller caller, UsableServer server, ConnectionKey key, Error error, CancellationToken ct)
    {
        if (!UpstreamErrors.IsUnauthorized(error))
        {
            return UpstreamErrors.ForCaller(error, onSession: true);
        }

        await sessions.DisconnectAsync(key, ct);
        return (await opener.AuthorizationNeededAsync(caller, server, UpstreamErrors.ChallengeOf(error), ct)).ToError(server.Name);
    }
}
