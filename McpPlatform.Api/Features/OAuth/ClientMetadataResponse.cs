using System.Text.Json.Serialization;

namespace McpPlatform.Api.Features.OAuth;

/// <summary>The platform's OAuth Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document): a public
/// web client with the authorization code and refresh token grants and PKCE, no client secret.</summary>
public sealed record ClientMetadataResponse
{
    [JsonPropertyName("client_id")] public required string ClientId { get; init; }
    [JsonPropertyName("client_name")] public string ClientName { get; init; } = "McpPlatform";
    [JsonPropertyName("client_uri")] public required string ClientUri { get; init; }
    [JsonPropertyName("application_type")] public string ApplicationType { get; init; } = "web";

    /// <summary>The callbacks of the app-level servers (user-managed servers register a client instead).</summary>
    [JsonPropertyName("redirect_uris")] public required IReadOnlyList<string> RedirectUris { get; init; }
    [JsonPropertyName("grant_types")] public IReadOnlyList<string> GrantTypes { get; init; } = ["authorization_code", "refresh_token"];
    [JsonPropertyName("response_types")] public IReadOnlyList<string> ResponseTypes { get; init; } = ["code"];
    [JsonPropertyName("token_endpoint_auth_method")] public string TokenEndpointAuthMethod { get; init; } = "none";
}
