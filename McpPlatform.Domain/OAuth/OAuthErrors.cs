using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Domain.OAuth;

/// <summary>How an OAuth step's failure is told as an <see cref="Error"/> (made by the OAuth client adapter, never
/// thrown); the message is safe to show.</summary>
public static class OAuthErrors
{
    public const string DiscoveryCode = "oauth_discovery";
    public const string RegistrationCode = "oauth_registration";
    public const string TokenEndpointCode = "oauth_token_endpoint";
    public const string UnreachableCode = "oauth_unreachable";

    public static Error Discovery(string message) => new(ErrorKind.UpstreamFailed, DiscoveryCode, message);

    public static Error Registration(string message) => new(ErrorKind.UpstreamFailed, RegistrationCode, message);

    /// <summary>The grant (a refresh token) is no longer valid: the tokens go, and the user authorizes again.</summary>
    public static Error InvalidGrant(string message) => new(ErrorKind.UpstreamFailed, WireCodes.InvalidGrant, message);

    public static Error TokenEndpoint(string message) => new(ErrorKind.UpstreamFailed, TokenEndpointCode, message);

    public static Error Unreachable(string message) => new(ErrorKind.UpstreamFailed, UnreachableCode, message);

    public static bool IsInvalidGrant(Error error) => error.ErrorText == WireCodes.InvalidGrant;

    /// <summary>What a caller is told when an OAuth step behind a connection failed (LibreChat's <c>oauth_error</c>).</summary>
    public static Error ForCaller(Error error) => new(ErrorKind.UpstreamFailed, WireCodes.OAuthError, error.Message);
}
