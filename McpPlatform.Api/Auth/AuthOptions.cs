namespace McpPlatform.Api.Auth;

/// <summary>The <c>Auth</c> section. Symmetric HS256 (<c>Auth:Jwt:*</c>) or an OIDC authority (<c>Auth:Authority</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public JwtOptions Jwt { get; set; } = new();

    /// <summary>An OIDC issuer whose JWKS signs callers' tokens; when set, no signing key is needed.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience expected from the OIDC authority (defaults to <c>Auth:Jwt:Audience</c>).</summary>
    public string? Audience { get; set; }

    public sealed class JwtOptions
    {
        /// <summary>At least 32 bytes (UTF-8).</summary>
        public string? SigningKey { get; set; }

        public string Issuer { get; set; } = "mcp-platform";

        public string Audience { get; set; } = "mcp-platform";
    }
}
