using McpPlatform.Api.Errors;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Api.Features.OAuth;

/// <summary>
/// What the OAuth routes do beyond one domain call, so that the controller only binds, calls and maps: the initiate
/// query checked against the caller, the server resolved for the caller before a flow starts or a browser is bound, the
/// reconnect after a callback stored tokens, and the client metadata document.
/// </summary>
public sealed partial class OAuthApplicationService(
    OAuthFlowStarter starter,
    OAuthCallbackHandler callbacks,
    OAuthDisconnect disconnects,
    ServerRegistryService registry,
    ReinitializeService connections,
    OAuthOptions options,
    IAppServerCatalog appServers,
    ILogger<OAuthApplicationService> logger)
{
    public static readonly Error UserMismatch = new(ErrorKind.Forbidden, "User mismatch");
    public static readonly Error InvalidFlowState = new(ErrorKind.Validation, "Invalid flow state");
    public static readonly Error ClientMetadataNotConfigured = new(ErrorKind.NotFound, "Not Found", "OAuth:ClientMetadataUrl is not configured");

    /// <summary>The caller's pending flow's URL, or a new flow's. <paramref name="userId"/> and <paramref name="flowId"/>,
    /// which LibreChat's SPA may send, must be the caller's own.</summary>
    public async Task<Result<StartedFlow>> InitiateAsync(Caller caller, string serverName, string? userId, string? flowId, CancellationToken ct)
    {
        if (userId is not null && userId != caller.UserId)
        {
            return UserMismatch;
        }

        if (flowId is not null && flowId != OAuthFlow.IdFor(caller.UserId, serverName))
        {
            return flowId.StartsWith(caller.UserId + ":", StringComparison.Ordinal) ? InvalidFlowState : OAuthFlowQueries.FlowNotFound;
        }

        return await (await registry.ResolveForUseAsync(caller, serverName, ct)).BindAsync(async server =>
            (await starter.AuthorizationUrlAsync(caller, server, null, null, ct)).Map(url => new StartedFlow(url, starter.ProveBrowser(caller, server.Name))));
    }

    /// <summary>The proof that binds the caller's browser to their flow for a server they may use.</summary>
    public async Task<Result<BrowserProof>> BindAsync(Caller caller, string serverName, CancellationToken ct) =>
        (await registry.ResolveForUseAsync(caller, serverName, ct)).Map(server => starter.ProveBrowser(caller, server.Name));

    /// <summary>Finishes a flow and connects with the tokens it stored. Never throws: a failure (of the flow, or of
    /// the platform while finishing it) is an outcome the browser is sent on with. A failed reconnect still ends on
    /// success: the tokens are stored.</summary>
    public async Task<CallbackOutcome> CompleteAsync(string serverName, string? code, string? state, string? error, string? iss, Func<string, string?> browserProofFor, CancellationToken ct)
    {
        try
        {
            var outcome = await callbacks.HandleAsync(state, code, error, iss, browserProofFor, ct);
            if (outcome is { Success: true, ServerName: { } name, UserId: { } userId })
            {
                await connections.ReconnectAfterAuthorizationAsync(userId, name, outcome.StoredTokens, ct);
            }

            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CallbackFailed(logger, e, LogValue.Sanitize(serverName));
            return new CallbackOutcome(false, serverName, "callback_failed");
        }
    }

    /// <summary>Revokes (where the authorization server supports it) and deletes the caller's tokens for a server they
    /// may use, and closes their connection.</summary>
    public async Task<Result<string>> DisconnectAsync(Caller caller, string serverName, CancellationToken ct) =>
        await (await registry.ResolveForUseAsync(caller, serverName, ct)).BindAsync(server => disconnects.DisconnectAsync(caller, server, ct));

    /// <summary>The document published at <c>OAuth:ClientMetadataUrl</c>; redirect URIs must be listed exactly, so they
    /// are the app-level servers' callbacks.</summary>
    public Result<ClientMetadataResponse> ClientMetadata() =>
        options.ClientMetadataUrl is { Length: > 0 } clientId
            ? new ClientMetadataResponse
            {
                ClientId = clientId,
                ClientUri = options.PublicBaseUrl,
                RedirectUris = [.. appServers.All.Select(s => options.RedirectUriFor(s.Name))],
            }
            : ClientMetadataNotConfigured;

    [LoggerMessage(Level = LogLevel.Error, Message = "OAuth callback for {Server} failed")]
    private static partial void CallbackFailed(ILogger logger, Exception exception, string server);
}
