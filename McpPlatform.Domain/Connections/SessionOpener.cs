using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>
/// Opens (or reuses) a caller's session to a server. OAuth servers get their access token (refreshed when due); a 401
/// from a server that was not known to need OAuth marks it as needing it; when authorization is needed the outcome
/// carries the authorization URL instead of a session. A server's failure, an open circuit or a failed token refresh
/// is the error.
/// </summary>
public sealed class SessionOpener(
    ServerRegistryService registry,
    IMcpSessions sessions,
    ICredentialStore credentials,
    OAuthFlowStarter flows,
    AccessTokenService accessTokens,
    ConnectionOptions options)
{
    /// <param name="refusedVersion">The version of an access token the server just refused (refresh it once).</param>
    /// <param name="challenge">The server's Bearer challenge that led here, if any (followed for step-up).</param>
    /// <param name="justStored">Tokens the OAuth callback has just stored, used instead of reading them back.</param>
    public async Task<Result<OpenedSession>> OpenAsync(Caller caller, UsableServer server, CancellationToken ct, long? refusedVersion = null, WwwAuthenticateChallenge? challenge = null, TokenSet? justStored = null)
    {
        var variables = server.Config.CustomUserVars is { Count: > 0 }
            ? await credentials.GetAsync(caller.UserId, server.Credentials, ct)
            : new Dictionary<string, string>();
        if (ConnectionTargets.MissingVariables(server.Config, variables) is { Count: > 0 } missing)
        {
            return OpenedSession.Blocked(SessionBlock.Missing(missing));
        }

        if (challenge?.Error == WireCodes.InsufficientScope)
        {
            return OpenedSession.Blocked(await AuthorizationNeededAsync(caller, server, challenge, ct));
        }

        string? bearer = null;
        long credentialStamp = 0;
        if (server.RequiresOAuth)
        {
            var token = await accessTokens.GetValidAsync(caller.UserId, server, refusedVersion, justStored, ct);
            if (!token.IsSuccess)
            {
                return OAuthErrors.ForCaller(token.Error!);
            }

            if (token.Value is null)
            {
                return OpenedSession.Blocked(await AuthorizationNeededAsync(caller, server, challenge, ct));
            }

            bearer = token.Value.AccessToken;
            credentialStamp = token.Value.Version;
        }

        var (target, unfilled) = ConnectionTargets.Build(server, variables, options, bearer);
        if (unfilled.Count > 0)
        {
            return OpenedSession.Blocked(SessionBlock.Missing(unfilled));
        }

        var session = await sessions.GetOrConnectAsync(server.KeyFor(caller.UserId), () => target, server.Stamp, credentialStamp, ct);
        if (session.IsSuccess)
        {
            return new OpenedSession(session.Value, null);
        }

        if (!UpstreamErrors.IsUnauthorized(session.Error!))
        {
            return session.Error!;
        }

        var refusal = UpstreamErrors.ChallengeOf(session.Error!);
        if (!server.RequiresOAuth)
        {
            // Detected: the server wants authorization. From now on it is per user.
            await registry.MarkRequiresOAuthAsync(server.Name, ct);
            server = server with { Config = server.Config with { RequiresOAuth = true } };
            return OpenedSession.Blocked(await AuthorizationNeededAsync(caller, server, refusal, ct));
        }

        if (refusedVersion is null && refusal?.Error != WireCodes.InsufficientScope)
        {
            // The stored token was refused: refresh once and try again; a refused fresh token means authorize again.
            return await OpenAsync(caller, server, ct, refusedVersion: credentialStamp, challenge: refusal);
        }

        return OpenedSession.Blocked(await AuthorizationNeededAsync(caller, server, refusal, ct));
    }

    /// <summary>The authorization the server asks for: a flow's URL (with more scope when the challenge is a step-up),
    /// or the error that kept a flow from starting.</summary>
    public async Task<SessionBlock> AuthorizationNeededAsync(Caller caller, UsableServer server, WwwAuthenticateChallenge? challenge, CancellationToken ct)
    {
        var stepUp = challenge?.Error == WireCodes.InsufficientScope ? challenge.Scope : null;
        var url = await flows.AuthorizationUrlAsync(caller, server, challenge, stepUp, ct);
        return url.IsSuccess ? new SessionBlock(null, true, url.Value, null) : new SessionBlock(null, true, null, url.Error);
    }
}
