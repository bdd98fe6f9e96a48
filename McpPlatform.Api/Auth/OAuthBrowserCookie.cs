using System.Security.Cryptography;
using System.Text;
using McpPlatform.Domain.OAuth;

namespace McpPlatform.Api.Auth;

/// <summary>
/// The cookie that binds an OAuth callback to the browser that started the flow (LibreChat's <c>oauth/bind</c>
/// CSRF cookie): HttpOnly, path <c>/api/mcp</c>, one per server (so flows for several servers can run at once),
/// living as long as a flow. SameSite=Lax keeps it on the authorization server's top-level redirect back to the
/// callback; an SPA on another site than the API needs None (with Secure), else the browser would not store a cookie
/// set by its cross-site <c>bind</c> call (<c>OAuth:BindingCookieSameSite</c>; by default None exactly when
/// <c>Client:BaseUrl</c> is on another site than <c>Server:PublicBaseUrl</c>).
/// </summary>
public static class OAuthBrowserCookie
{
    public const string Path = "/api/mcp";
    private const string Prefix = "mcp_oauth_";

    /// <summary>Cookie names are tokens; server names from configuration need not be, so the name carries a hash.</summary>
    public static string NameFor(string serverName) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(serverName)).AsSpan(0, 8));

    public static void Write(HttpResponse response, BrowserProof proof, OAuthOptions options)
    {
        var sameSite = CrossSite(options) ? SameSiteMode.None : SameSiteMode.Lax;
        response.Cookies.Append(NameFor(proof.ServerName), proof.Value, new CookieOptions
        {
            HttpOnly = true,
            Path = Path,
            SameSite = sameSite,
            Secure = sameSite == SameSiteMode.None || options.PublicBaseUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase),
            Expires = proof.Expires,
            MaxAge = options.FlowTtl,
        });
    }

    /// <summary>The proof the request's browser holds for a server, if any.</summary>
    public static string? Read(HttpRequest request, string serverName) => request.Cookies[NameFor(serverName)];

    /// <summary>Whether the SPA calls the API from another site. The site is approximated by the host's last two labels
    /// (a public suffix such as co.uk makes two sites look alike: the cookie is then Lax and binding fails visibly,
    /// never silently weaker); <c>OAuth:BindingCookieSameSite</c> settles it.</summary>
    public static bool CrossSite(OAuthOptions options)
    {
        if (options.BindingCookieSameSite is { } configured)
        {
            return configured.Equals("None", StringComparison.OrdinalIgnoreCase);
        }

        return Uri.TryCreate(options.ClientBaseUrl, UriKind.Absolute, out var client)
            && Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var api)
            && (client.Scheme != api.Scheme || Site(client.Host) != Site(api.Host));
    }

    private static string Site(string host)
    {
        if (System.Net.IPAddress.TryParse(host, out _))
        {
            return host;
        }

        var labels = host.TrimEnd('.').ToLowerInvariant().Split('.');
        return string.Join('.', labels.TakeLast(2));
    }
}
