using McpPlatform.Domain.Security;

namespace McpPlatform.Infrastructure.Security;

/// <summary>The one definition of which context each encrypted column binds its values to.</summary>
public static class SecretContexts
{
    public static SecretContext ServerSecrets(Guid serverId) => new(string.Empty, serverId.ToString(), "server-secrets");

    public static SecretContext AccessToken(string userId, Guid serverId) => new(userId, serverId.ToString(), "access_token");

    public static SecretContext RefreshToken(string userId, Guid serverId) => new(userId, serverId.ToString(), "refresh_token");

    public static SecretContext ClientSecret(Guid serverId, string issuer) => new(string.Empty, serverId.ToString(), "client_secret:" + issuer);

    public static SecretContext CredentialVariable(string userId, Guid serverId, string name) => new(userId, serverId.ToString(), "var:" + name);
}
