namespace McpPlatform.Domain.OAuth;

/// <summary>The platform as an OAuth client: flow lifetime, where it is reached, refresh and step-up limits. Bound and
/// validated in the infrastructure, which names the configuration key of a bad value.</summary>
public sealed class OAuthOptions
{
    public TimeSpan FlowTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Where the client metadata document is published (https), enabling CIMD where the AS supports it.</summary>
    public string? ClientMetadataUrl { get; set; }

    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>Where the callback sends the browser: <c>&lt;ClientBaseUrl&gt;/oauth/success</c> or <c>/oauth/error</c>; empty → the built-in pages.</summary>
    public string? ClientBaseUrl { get; set; }

    /// <summary>SameSite of the browser-binding cookie: <c>Lax</c> or <c>None</c>; unset → None exactly when the SPA
    /// (<see cref="ClientBaseUrl"/>) is on another site than the API.</summary>
    public string? BindingCookieSameSite { get; set; }

    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    public int MaxStepUpAttempts { get; set; } = 3;

    /// <summary>How long a server's discovery (probe and metadata) is reused to start flows; zero discovers every time.</summary>
    public TimeSpan DiscoveryCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    public string RedirectUriFor(string serverName) => $"{PublicBaseUrl.TrimEnd('/')}/api/mcp/{serverName}/oauth/callback";
}
