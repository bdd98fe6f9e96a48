namespace McpPlatform.Infrastructure.Security;

/// <summary>The <c>Security</c> section: which outbound addresses are allowed beyond the public internet.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Allow private, loopback and link-local addresses (development and tests).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Host names, <c>host:port</c> pairs or CIDR ranges allowed even when they are private.</summary>
    public List<string> AllowedOutboundHosts { get; set; } = [];
}
