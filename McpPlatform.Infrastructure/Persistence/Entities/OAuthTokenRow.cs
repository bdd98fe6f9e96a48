namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>A user's OAuth tokens for a server (<c>oauth_tokens</c>). Tokens, registrations and credential variables
/// are keyed by the server's immutable id (an app-level server's is derived from its name; it has no row in
/// <c>mcp_servers</c>, so there is no foreign key), never by its name, and carry the credential binding they were
/// stored under (see Domain <c>CredentialBinding</c>): a row whose binding is not the server's current one is never
/// read back.</summary>
public sealed class OAuthTokenRow
{
    public required string UserId { get; set; }
    public Guid ServerId { get; set; }
    public required string Binding { get; set; }
    public required byte[] AccessToken { get; set; }
    public byte[]? RefreshToken { get; set; }
    public string? TokenType { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? Issuer { get; set; }
    public string? Scope { get; set; }

    /// <summary>Where and how to refresh and revoke (token endpoint, client id, auth method, resource), as JSON.</summary>
    public string? Metadata { get; set; }

    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
