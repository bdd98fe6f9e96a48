using System.Net;
using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// One user's browser running the SPA: its API calls carry the user's token and keep the cookies the API sets (the
/// OAuth binding cookie set by bind, initiate and reinitialize), and it follows the authorization server back to the
/// platform's callback as a top-level navigation: with those cookies, without the token. Browsers of several API
/// instances may share one cookie jar (cookies do not depend on the port).
/// </summary>
public sealed class SpaBrowser : IDisposable
{
    private SpaBrowser(HttpClient api, HttpClient navigation, CookieContainer cookies)
    {
        Api = api;
        Navigation = navigation;
        Cookies = cookies;
    }

    /// <summary>The SPA's calls: bearer token and cookies.</summary>
    public HttpClient Api { get; }

    /// <summary>Top-level navigations (the callback): cookies only.</summary>
    public HttpClient Navigation { get; }

    public CookieContainer Cookies { get; }

    public static SpaBrowser Of(ApiFactory api, Caller caller, CookieContainer? cookies = null)
    {
        cookies ??= new CookieContainer();
        var client = api.CreateDefaultClient(new Uri("http://localhost"), new RecordingHandler(), new CookieContainerHandler(cookies));
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.TokenFor(caller));
        return new SpaBrowser(client, api.CreateDefaultClient(new Uri("http://localhost"), new RecordingHandler(), new CookieContainerHandler(cookies)), cookies);
    }

    public static SpaBrowser Of(ApiProcess api, Caller caller, CookieContainer? cookies = null)
    {
        cookies ??= new CookieContainer();
        var client = Client(api, cookies);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.IssueToken(caller));
        return new SpaBrowser(client, Client(api, cookies), cookies);
    }

    /// <summary>What the SPA does before opening an authorization URL (<c>librechat-data-provider</c>'s <c>bindMCPOAuth</c>).</summary>
    public async Task BindAsync(string serverName)
    {
        using var response = await Api.PostAsync($"/api/mcp/{serverName}/oauth/bind", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Arrives at the platform's callback as the authorization server's redirect sends it there.</summary>
    public Task<HttpResponseMessage> DeliverAsync(string callbackUrl) => Navigation.GetAsync(new Uri(callbackUrl).PathAndQuery);

    public void Dispose()
    {
        Api.Dispose();
        Navigation.Dispose();
    }

    private static HttpClient Client(ApiProcess api, CookieContainer cookies) =>
        new(new RecordingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies }))
        {
            BaseAddress = new Uri(api.BaseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
}
