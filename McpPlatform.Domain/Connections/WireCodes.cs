namespace McpPlatform.Domain.Connections;

/// <summary>
/// The codes callers and upstreams exchange with the platform, each spelt once: LibreChat's <c>error</c> members, the
/// redirect errors of the OAuth callback, and the OAuth error codes (RFC 6749 §5.2, RFC 6750 §3.1) the platform acts on.
/// </summary>
public static class WireCodes
{
    /// <summary>RFC 6750: the token lacks scope; the challenge's <c>scope</c> says what to ask for (step-up).</summary>
    public const string InsufficientScope = "insufficient_scope";

    /// <summary>RFC 6749: the refresh token (or code) is no longer valid; the user must authorize again.</summary>
    public const string InvalidGrant = "invalid_grant";

    public const string OAuthRequired = "oauth_required";
    public const string OAuthError = "oauth_error";
    public const string OAuthDiscoveryFailed = "oauth_discovery_failed";
    public const string OAuthStepUpLimit = "oauth_step_up_limit";
    public const string OAuthUnsupported = "oauth_unsupported";
    public const string OAuthConfigurationMismatch = "oauth_configuration_mismatch";
    public const string UpstreamTimeout = "upstream_timeout";
    public const string UpstreamError = "upstream_error";
    public const string UpstreamResultTooLarge = "upstream_result_too_large";
    public const string CircuitOpen = "circuit_open";

    /// <summary>The callback was delivered by another browser than the one that started the flow (LibreChat's code).</summary>
    public const string CsrfValidationFailed = "csrf_validation_failed";
    public const string InvalidState = "invalid_state";
    public const string MissingState = "missing_state";
    public const string MissingCode = "missing_code";
    public const string IssMismatch = "iss_mismatch";
    public const string CallbackFailed = "callback_failed";
}
