namespace McpPlatform.Api.Hosting.RateLimiting;

/// <summary>The <c>RateLimits</c> section: requests per minute, per instance — per user, except the OAuth callback,
/// which is anonymous and counted per client address. Reads are not limited.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public int CreatePerMinute { get; set; } = 120;
    public int ReinitializePerMinute { get; set; } = 120;
    public int OAuthInitiatePerMinute { get; set; } = 60;

    /// <summary>Tool calls: an agent calls tools in bursts, a person's conversations seldom more than a few a second.</summary>
    public int ToolCallPerMinute { get; set; } = 300;

    /// <summary>Changes to servers, shares, role permissions, credential variables and OAuth tokens, together: a person
    /// in the SPA makes a few a minute; scripts and test suites that create and change things quickly stay below it.</summary>
    public int WritePerMinute { get; set; } = 300;

    /// <summary>Per client address (an IPv6 client per /64). Behind a proxy every callback comes from the proxy's address
    /// (forwarded headers are not trusted), so this is then what one instance accepts from everyone together.</summary>
    public int OAuthCallbackPerMinute { get; set; } = 600;
}
