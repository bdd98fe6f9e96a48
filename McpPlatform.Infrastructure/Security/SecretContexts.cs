using McpPlatform.Domain.Security;

namespace McpPlatform.Infrastructure.Security;

/// <summary>The one definition of which context each encrypted column binds its values to.</summary>
public static class SecretContexts
{
    public static SecretContext ServerSecrets(Guid serverId) => new(string.Empty, serverId.ToString(), "server-secrets");

    public static SecretContext AccessToken(string userId, string serverName) => new(userId, serverName, "access_token");

    public static SecretContext RefreshToken(string userId, string serverName) => new(userId, serverName, "refresh_token");

    public static SecretContext ClientSecret(string serverName, string issuer) => new(string.Empty, serverName, "client_secret:" + issuer);

    public static SecretContext CredentialVariable(string userId, string serverName, string name) => new(userId, serverName, "var:" + name);
}
