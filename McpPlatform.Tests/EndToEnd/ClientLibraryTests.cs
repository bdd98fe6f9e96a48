using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>
/// LibreChat's SPA talks to the API through its published client library, <c>librechat-data-provider</c> (0.8.524,
/// pinned in McpPlatform.Tests/package.json). Here that library itself, in node, reinitializes a server that needs
/// OAuth and binds the browser with <c>bindMCPOAuth</c> before the authorization URL is opened — as the SPA does —
/// against the API as its own process; the cookie it got is what lets the callback complete.
/// </summary>
[NonParallelizable]
public sealed class ClientLibraryTests : ProcessTest
{
    [Test]
    public async Task BindMCPOAuth_FromLibreChatsClientLibrary_BindsTheBrowser_SoTheCallbackCompletes()
    {
        var peer = Keep(await NodePeer.StartSdkOAuthAsync());
        var api = Keep(await ApiProcess.StartAsync("client-library"));
        var name = await CreateServerAsync(api, peer.Url);

        var driven = await RunClientAsync(api, name, "reinitialize", "bind");

        Assert.That(driven["ok"]!.GetValue<bool>(), Is.True, driven.ToJsonString());
        var reinitialize = driven["results"]!["reinitialize"]!;
        var oauthUrl = reinitialize["oauthUrl"]!.GetValue<string>();
        var cookie = driven["cookies"]!.AsArray().Select(c => c!.GetValue<string>()).Last(c => c.StartsWith("mcp_oauth_", StringComparison.Ordinal));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reinitialize["oauthRequired"]!.GetValue<bool>(), Is.True);
            Assert.That(oauthUrl, Does.StartWith(peer.AuthUrl + "authorize?"));
            Assert.That(driven["results"]!["bind"]!.ToJsonString(), Is.EqualTo("""{"success":true}"""), "LibreChat's shape");
            Assert.That(cookie.ToLowerInvariant(), Does.Contain("httponly").And.Contain("path=/api/mcp"));
        }

        var callback = await AuthorizationBrowser.FollowToCallbackAsync(oauthUrl, api.BaseUrl + "/api/mcp/");
        using var withoutCookie = await DeliverAsync(api, callback, cookie: null);
        Assert.That(withoutCookie.Headers.Location?.ToString(), Is.EqualTo("/oauth/error?error=csrf_validation_failed"), "the cookie is what binds");

        // The refused delivery ended that flow: the SPA asks again, binds again, and the user authorizes.
        var again = await RunClientAsync(api, name, "reinitialize", "bind");
        var secondCallback = await AuthorizationBrowser.FollowToCallbackAsync(again["results"]!["reinitialize"]!["oauthUrl"]!.GetValue<string>(), api.BaseUrl + "/api/mcp/");
        var secondCookie = again["cookies"]!.AsArray().Select(c => c!.GetValue<string>()).Last(c => c.StartsWith("mcp_oauth_", StringComparison.Ordinal));
        using var delivered = await DeliverAsync(api, secondCallback, secondCookie);
        Assert.That(delivered.Headers.Location?.ToString(), Is.EqualTo($"/oauth/success?serverName={name}"));

        using var alice = api.ClientFor(Alice);
        using var status = await alice.GetAsync($"/api/mcp/connection/status/{name}");
        Assert.That((await status.Content.ReadFromJsonAsync<JsonObject>())!["connectionStatus"]!.GetValue<string>(), Is.EqualTo("connected"));
    }

    private static async Task<string> CreateServerAsync(ApiProcess api, string url)
    {
        using var alice = api.ClientFor(Alice);
        using var created = await alice.PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "streamable-http", url, title = ConnectionsEndToEndTests.Unique("Client Library") } });
        var body = await created.Content.ReadAsStringAsync();
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        return JsonNode.Parse(body)!["serverName"]!.GetValue<string>();
    }

    /// <summary>The browser arriving at the callback, with the cookie the library's bind call was given (name=value only).</summary>
    private static async Task<HttpResponseMessage> DeliverAsync(ApiProcess api, string callback, string? cookie)
    {
        using var navigation = api.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(callback).PathAndQuery);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie.Split(';')[0]);
        }

        return await navigation.SendAsync(request);
    }

    private static async Task<JsonNode> RunClientAsync(ApiProcess api, string serverName, params string[] steps)
    {
        var startInfo = new ProcessStartInfo(NodePeer.NodeExecutable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = NodePeer.TestProjectDir,
        };
        startInfo.ArgumentList.Add(Path.Combine(NodePeer.TestProjectDir, "Peers", "librechat-client.mjs"));
        startInfo.ArgumentList.Add(api.BaseUrl);
        startInfo.ArgumentList.Add(ApiFactory.IssueToken(Alice));
        startInfo.ArgumentList.Add(serverName);
        foreach (var step in steps)
        {
            startInfo.ArgumentList.Add(step);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.Not.Empty, "the client printed nothing: " + await errors);
        return JsonNode.Parse(lines[^1])!;
    }
}
