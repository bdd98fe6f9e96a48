using System.Text.Json.Serialization;

namespace McpPlatform.Domain.Servers;

/// <summary>LibreChat's <c>oauth</c> block. <c>redirect_uri</c> is not here: the platform computes it.</summary>
public sealed record OAuthSettings
{
    [JsonPropertyName("authorization_url")] public string? AuthorizationUrl { get; init; }
    [JsonPropertyName("token_url")] public string? TokenUrl { get; init; }
    [JsonPropertyName("client_id")] public string? ClientId { get; init; }
    [JsonPropertyName("client_secret")] public string? ClientSecret { get; init; }
    [JsonPropertyName("scope")] public string? Scope { get; init; }
    [JsonPropertyName("token_exchange_method")] public string? TokenExchangeMethod { get; init; }
    [JsonPropertyName("grant_types_supported")] public IReadOnlyList<string>? GrantTypesSupported { get; init; }
    [JsonPropertyName("token_endpoint_auth_methods_supported")] public IReadOnlyList<string>? TokenEndpointAuthMethodsSupported { get; init; }
    [JsonPropertyName("response_types_supported")] public IReadOnlyList<string>? ResponseTypesSupported { get; init; }
    [JsonPropertyName("code_challenge_methods_supported")] public IReadOnlyList<string>? CodeChallengeMethodsSupported { get; init; }
    [JsonPropertyName("skip_code_challenge_check")] public bool? SkipCodeChallengeCheck { get; init; }
    [JsonPropertyName("revocation_endpoint")] public string? RevocationEndpoint { get; init; }
    [JsonPropertyName("revocation_endpoint_auth_methods_supported")] public IReadOnlyList<string>? RevocationEndpointAuthMethodsSupported { get; init; }
}
