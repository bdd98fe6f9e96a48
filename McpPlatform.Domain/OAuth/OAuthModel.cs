namespace McpPlatform.Domain.OAuth;

public enum FlowStatus
{
    Pending,
    Exchanging,
    Completed,
    Failed,
}

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
}

/// <summary>Tokens for one user × server, in clear in memory only (stored encrypted).</summary>
public sealed record TokenSet(
    string AccessToken,
    string? RefreshToken,
    string TokenType,
    DateTimeOffset? ExpiresAt,
    string? Scope,
    string Issuer,
    string TokenEndpoint,
    string ClientId,
    string TokenAuthMethod,
    string Resource,
    string? RevocationEndpoint,
    long Version = 0);

/// <summary>A client registration at an authorization server, shared by every user of one server.</summary>
public sealed record ClientRegistration(string ClientId, string? ClientSecret, string TokenAuthMethod);

/// <summary>What discovery found for a server: the protected resource, its authorization server and the scope to ask
/// for. <see cref="FromMetadata"/>: the endpoints are the issuer's published metadata (not the 2025-03-26 defaults).
/// <see cref="IssParameterSupported"/>: that metadata says every authorization response carries <c>iss</c>.</summary>
public sealed record OAuthDiscovery(
    string Resource,
    string Issuer,
    string AuthorizationEndpoint,
    string TokenEndpoint,
    string? RegistrationEndpoint,
    string? RevocationEndpoint,
    IReadOnlyList<string> TokenAuthMethods,
    IReadOnlyList<string> CodeChallengeMethods,
    bool ClientIdMetadataDocumentSupported,
    string? Scope,
    bool FromMetadata = true,
    bool IssParameterSupported = false);

/// <summary>A token endpoint's answer.</summary>
public sealed record TokenResponse(string AccessToken, string? RefreshToken, string TokenType, int? ExpiresIn, string? Scope);

/// <summary>Why an OAuth step failed; the message is safe to show.</summary>
public enum OAuthFailure
{
    Discovery,
    Registration,
    InvalidGrant,
    TokenEndpoint,
    Unreachable,
}

public sealed class OAuthException(OAuthFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public OAuthFailure Failure { get; } = failure;
}
