using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>Connecting anew: reinitialize on the caller's request, and the reconnect after a completed authorization.</summary>
public sealed class ReinitializeService(ServerRegistryService registry, IMcpSessions sessions, SessionOpener opener, IToolListObserver tools)
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
        await sessions.DisconnectAsync(server.KeyFor(caller.UserId), ct);
        var opened = await opener.OpenAsync(caller, server, ct);
        if (!opened.IsSuccess)
        {
            return new ReinitializeOutcome(false, $"Failed to reinitialize MCP server '{name}': {opened.Error!.Message}", name, false, null, null);
        }

        var blocked = opened.Value.Block;
        return blocked switch
        {
            null => new ReinitializeOutcome(true, $"MCP server '{name}' reinitialized successfully", name, false, null, null),
            { MissingUserVars: { } missing } => new ReinitializeOutcome(false, $"MCP server '{name}' needs these variables set first: {string.Join(", ", missing)}", name, false, null, missing),
            { OAuthRequired: true, OAuthUrl: { } url } => new ReinitializeOutcome(true, $"MCP server '{name}' ready for OAuth authentication", name, true, url, null),
            _ => new ReinitializeOutcome(false, $"MCP server '{name}' requires authorization: {blocked.Error?.Message ?? blocked.Error?.ErrorText}", name, true, null, null),
        };
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

        // No disconnect first: the new tokens carry a new version, so the runtime replaces a session opened with older
        // ones, and the fresh session's tool list overwrites the cached one.
        var opened = await opener.OpenAsync(new Caller(userId, SystemRoles.User, []), server, ct, justStored: storedTokens);
        var connected = opened is { IsSuccess: true, Value.Session: not null };
        if (!connected)
        {
            // What is cached came from the previous authorization.
            await tools.ForgetAsync(server.KeyFor(userId), ct);
        }

        return connected;
    }
}
