namespace McpPlatform.Domain.Servers;

/// <summary>Checks an outbound URL against the SSRF rules (private, loopback, link-local and metadata addresses).</summary>
public interface IOutboundUrlPolicy
{
    /// <summary>Null when the URL may be called; otherwise why not (never the address a name resolved to).</summary>
    Task<string?> CheckAsync(Uri url, CancellationToken ct);

    /// <summary>Whether plain http is acceptable where https is required (OAuth endpoints): only to a loopback host
    /// that the policy allows (development and tests).</summary>
    bool AllowsPlainHttp(Uri url);
}
