using McpPlatform.Domain.Security;

namespace McpPlatform.Infrastructure.Security;

/// <summary>The one definition of which context each encrypted column binds its values to.</summary>
public static class SecretContexts
{
    public static SecretContext ServerSecrets(Guid serverId) => new(string.Empty, serverId.ToString(), "server-secrets");

    // Credentials bind to the server's id and to the binding they were stored under: a ciphertext moved to another
    // server's row, or to a row of the same server claiming another binding, does not decrypt.

    public static SecretContext AccessToken(string userId, Guid serverId, string binding) => new(userId, Bound(serverId, binding), "access_token");

    public static SecretContext RefreshToken(string userId, Guid serverId, string binding) => new(userId, Bound(serverId, binding), "refresh_token");

    public static SecretContext ClientSecret(Guid serverId, string binding, string issuer) => new(string.Empty, Bound(serverId, binding), "client_secret:" + issuer);

    public static SecretContext CredentialVariable(string userId, Guid serverId, string binding, string name) => new(userId, Bound(serverId, binding), "var:" + name);

    private static string Bound(Guid serverId, string binding) => $"{serverId}#{binding}";
}
