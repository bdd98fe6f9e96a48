using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.OAuth;

/// <summary>Which client the platform is at a server's authorization server: a configured client, else a stored
/// registration for the server × issuer, else a Client ID Metadata Document, else a new dynamic registration.</summary>
public sealed class OAuthClientRegistrations(IOAuthClient client, ITokenStore tokens, RegistrySnapshots snapshots, OAuthOptions options)
{
    public async Task<Result<ClientRegistration>> ForFlowAsync(UsableServer server, OAuthDiscovery discovery, string redirectUri, string? scope, CancellationToken ct)
    {
        var settings = server.Config.OAuth;
        if (settings?.ClientId is { Length: > 0 } preRegistered)
        {
            var method = TokenAuthMethods.Choose(settings.TokenEndpointAuthMethodsSupported ?? discovery.TokenAuthMethods, settings.ClientSecret is not null);
            return new ClientRegistration(preRegistered, settings.ClientSecret, method);
        }

        if (await StoredAsync(server.Credentials, discovery.Issuer, ct) is { } stored)
        {
            return stored;
        }

        // The metadata document lists its redirect URIs exactly, and only app-level servers' callbacks are known in
        // advance; user-managed servers register dynamically instead.
        if (discovery.ClientIdMetadataDocumentSupported && options.ClientMetadataUrl is { Length: > 0 } metadataUrl && server.Source == ServerSource.App)
        {
            return new ClientRegistration(metadataUrl, null, "none");
        }

        if (discovery.RegistrationEndpoint is null)
        {
            return OAuthErrors.Registration("The authorization server offers no registration and no client is configured for this server");
        }

        // Flows that start together may each register; the first stored wins and the others use it, so that every
        // flow's code exchange presents the client (and secret) the store holds.
        var registered = await client.RegisterAsync(discovery, redirectUri, scope, ct);
        return registered.IsSuccess ? await tokens.SaveRegistrationAsync(server.Credentials, discovery.Issuer, registered.Value, ct) : registered;
    }

    /// <summary>The registration stored for the server and issuer. Kept while its server is unchanged: one is only
    /// ever added (the first stored wins; none is kept before) or removed with a change to its server, which logs
    /// the server's scope.</summary>
    public Task<ClientRegistration?> StoredAsync(CredentialKey key, string issuer, CancellationToken ct) =>
        snapshots.ReadAsync(
            "registration", $"registration:{key.ServerId}\n{key.Binding}\n{issuer}", [RegistryScopes.ServerId(key.ServerId)],
            c => tokens.GetRegistrationAsync(key, issuer, c), _ => 1024, ct);

    /// <summary>The secret of the flow's client: a stored registration's, else (a pre-registered client) the one in
    /// the server's config — the server as the platform resolves it, since the callback carries no caller.</summary>
    public async Task<string?> ClientSecretAsync(OAuthFlow flow, UsableServer server, CancellationToken ct)
    {
        var stored = await StoredAsync(flow.Credentials, flow.Issuer, ct);
        return stored is not null && stored.ClientId == flow.ClientId ? stored.ClientSecret : server.Config.OAuth?.ClientSecret;
    }
}
