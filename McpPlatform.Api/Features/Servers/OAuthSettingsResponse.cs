using System.Text.Json.Serialization;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Api.Features.Servers;

/// <summary>A server's OAuth settings as the API shows them: LibreChat's <c>oauth</c> block without
/// <c>client_secret</c>, which is write-only.</summary>
public sealed record OAuthSettingsResponse
{
    [JsonPropertyName("authorization_url")] public string? AuthorizationUrl { get; init; }
    [JsonPropertyName("token_url")] public string? TokenUrl { get; init; }
    [JsonPropertyName("client_id")] public string? ClientId { get; init; }
    [JsonPropertyName("scope")] public string? Scope { get; init; }
    [JsonPropertyName("token_exchange_method")] public string? TokenExchangeMethod { get; init; }
    [JsonPropertyName("grant_types_supported")] public IReadOnlyList<string>? GrantTypesSupported { get; init; }
    [JsonPropertyName("token_endpoint_auth_methods_supported")] public IReadOnlyList<string>? TokenEndpointAuthMethodsSupported { get; init; }
    [JsonPropertyName("response_types_supported")] public IReadOnlyList<string>? ResponseTypesSupported { get; init; }
    [JsonPropertyName("code_challenge_methods_supported")] public IReadOnlyList<string>? CodeChallengeMethodsSupported { get; init; }
    [JsonPropertyName("skip_code_challenge_check")] public bool? SkipCodeChallengeCheck { get; init; }
    [JsonPropertyName("revocation_endpoint")] public string? RevocationEndpoint { get; init; }
    [JsonPropertyName("revocation_endpoint_auth_methods_supported")] public IReadOnlyList<string>? RevocationEndpointAuthMethodsSupported { get; init; }

    public static OAuthSettingsResponse From(OAuthSettings oauth) => new()
    {
        AuthorizationUrl = oauth.AuthorizationUrl,
        TokenUrl = oauth.TokenUrl,
        ClientId = oauth.ClientId,
        Scope = oauth.Scope,
        TokenExchangeMethod = oauth.TokenExchangeMethod,
        GrantTypesSupported = oauth.GrantTypesSupported,
        TokenEndpointAuthMethodsSupported = oauth.TokenEndpointAuthMethodsSupported,
        ResponseTypesSupported = oauth.ResponseTypesSupported,
        CodeChallengeMethodsSupported = oauth.CodeChallengeMethodsSupported,
        SkipCodeChallengeCheck = oauth.SkipCodeChallengeCheck,
        RevocationEndpoint = oauth.RevocationEndpoint,
        RevocationEndpointAuthMethodsSupported = oauth.RevocationEndpointAuthMethodsSupported,
    };
}
