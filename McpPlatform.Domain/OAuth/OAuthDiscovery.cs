namespace McpPlatform.Domain.OAuth;

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
