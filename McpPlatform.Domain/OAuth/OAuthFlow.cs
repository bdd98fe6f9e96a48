namespace McpPlatform.Domain.OAuth;

/// <summary>
/// One authorization attempt of a user for a server. <see cref="FlowId"/> keeps LibreChat's <c>&lt;userId&gt;:&lt;serverName&gt;</c>
/// shape for the API; <see cref="State"/> is random and single-use, and the callback must also come from the browser
/// that started the flow. <see cref="Credentials"/> is the server and credential binding the flow was started under: the
/// tokens it yields are stored under it, and only while the server still has that binding.
/// <see cref="IssRequired"/>: the authorization server said it sends <c>iss</c> with every response (RFC 9207).
/// </summary>
public sealed record OAuthFlow(
    string FlowId,
    string State,
    string UserId,
    string ServerName,
    Servers.CredentialKey Credentials,
    FlowStatus Status,
    string CodeVerifier,
    string AuthorizationUrl,
    string RedirectUri,
    string Resource,
    string Issuer,
    string TokenEndpoint,
    string ClientId,
    string TokenAuthMethod,
    string? Scope,
    string? RevocationEndpoint,
    DateTimeOffset CreatedAt,
    bool IssRequired = false,
    string? Error = null,
    bool Cancelled = false,
    int StepUps = 0)
{
    public static string IdFor(string userId, string serverName) => $"{userId}:{serverName}";

    /// <summary>Older than the flow TTL: refused at the callback and shown as failed (LibreChat's rule).</summary>
    public bool IsStale(DateTimeOffset now, TimeSpan ttl) => now - CreatedAt > ttl;
}
