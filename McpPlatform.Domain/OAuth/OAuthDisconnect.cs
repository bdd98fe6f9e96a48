using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.OAuth;

/// <summary>The caller disconnects from a server: the tokens are revoked where the server supports it and deleted,
/// the flow is forgotten, and the caller's connection is closed (its tools with it).</summary>
public sealed class OAuthDisconnect(IOAuthFlowStore flows, IOAuthClient client, ITokenStore tokens, OAuthClientRegistrations registrations, IMcpSessions sessions)
{
    public async Task<Result<string>> DisconnectAsync(Caller caller, UsableServer server, CancellationToken ct)
    {
        // Tokens stored under another binding are not sent anywhere (not even to be revoked), only deleted.
        var stored = await tokens.GetAsync(caller.UserId, server.Credentials, ct);
        if (stored is not null)
        {
            var secret = (await registrations.StoredAsync(server.Credentials, stored.Issuer, ct))?.ClientSecret ?? server.Config.OAuth?.ClientSecret;
            // Revocation is best effort: the tokens are deleted here whatever its outcome.
            _ = await client.RevokeAsync(stored, new ClientRegistration(stored.ClientId, secret, stored.TokenAuthMethod), ct);
        }

        var deleted = await tokens.DeleteAsync(caller.UserId, server.Id, ct);
        await flows.DeleteAsync(OAuthFlow.IdFor(caller.UserId, server.Name), ct);
        await sessions.DisconnectAsync(server.KeyFor(caller.UserId), ct);
        return OAuthMessages.Disconnected(server.Name, deleted);
    }
}
