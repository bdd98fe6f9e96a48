using System.Net;

namespace McpPlatform.Tests.Fixtures;

/// <summary>Plays the user's browser at an authorization server.</summary>
public static class AuthorizationBrowser
{
    /// <summary>Follows the authorization server's redirects (with cookies, as a browser would) until it redirects to
    /// a URL under <paramref name="callbackPrefix"/> (the platform's callback); returns that URL without requesting it.</summary>
    public static async Task<string> FollowToCallbackAsync(string authorizationUrl, string callbackPrefix)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var next = new Uri(authorizationUrl);
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(next);
            var location = response.Headers.Location ?? throw new AssertionException($"no redirect from {next}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var absolute = location.IsAbsoluteUri ? location : new Uri(next, location);
            if (absolute.ToString().StartsWith(callbackPrefix, StringComparison.Ordinal))
            {
                return absolute.ToString();
            }

            next = absolute;
        }

        throw new AssertionException("The authorization server never redirected back");
    }
}
