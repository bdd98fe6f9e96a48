using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Integration;

/// <summary>
/// The "oidc MCP stack" peer (oidc-provider authorization server + SDK resource server, <see cref="NodePeer.StartOidcStackAsync"/>)
/// proven with plain HttpClient and no platform code: discovery, challenge, DCR, PKCE, the auto-approving redirect chain,
/// RFC 9207 <c>iss</c>, JWT <c>aud</c>, refresh-token rotation with reuse detection, and access-token expiry.
/// </summary>
public sealed class OidcStackPeerTests
{
    private const string RedirectUri = "http://localhost:5080/api/mcp/x/oauth/callback";
    private const string Scope = "mcp:tools";

    private const string InitializeBody =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"oidc-stack-peer-tests","version":"0"}}}""";

    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(15);

    [Test]
    public async Task Discovery_documents_challenge_and_protected_resource_metadata_describe_the_stack()
    {
        var peer = await NodePeer.StartOidcStackAsync();
        await using (peer)
        {
            TestContext.Out.WriteLine($"oidc stack pid {peer.Pid} ready in {peer.StartupTime.TotalMilliseconds:F0} ms: MCP {peer.Url}, AS {peer.AuthUrl}");
            Assert.Multiple(() =>
            {
                Assert.That(peer.Url, Is.EqualTo($"http://localhost:{peer.Port}/mcp"));
                Assert.That(peer.AuthUrl, Is.EqualTo($"http://localhost:{peer.AuthPort}"));
                Assert.That(peer.AuthPort, Is.Not.EqualTo(peer.Port));
            });

            using var http = new HttpClient { Timeout = IoTimeout };
            using var oauth = await GetJsonAsync(http, $"{peer.AuthUrl}/.well-known/oauth-authorization-server");
            using var openid = await GetJsonAsync(http, $"{peer.AuthUrl}/.well-known/openid-configuration");
            var metadata = oauth.RootElement;
            TestContext.Out.WriteLine($"oauth-authorization-server: {metadata}");

            Assert.Multiple(() =>
            {
                Assert.That(metadata.GetProperty("issuer").GetString(), Is.EqualTo(peer.AuthUrl));
                Assert.That(openid.RootElement.GetProperty("issuer").GetString(), Is.EqualTo(peer.AuthUrl));
                Assert.That(metadata.GetProperty("registration_endpoint").GetString(), Is.EqualTo($"{peer.AuthUrl}/reg"));
                Assert.That(openid.RootElement.GetProperty("registration_endpoint").GetString(), Is.EqualTo($"{peer.AuthUrl}/reg"));
                Assert.That(Strings(metadata, "code_challenge_methods_supported"), Is.EqualTo(new[] { "S256" }));
                Assert.That(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean(), Is.True);
                Assert.That(Strings(metadata, "grant_types_supported"), Does.Contain("authorization_code").And.Contain("refresh_token"));
                Assert.That(Strings(metadata, "token_endpoint_auth_methods_supported"), Is.EquivalentTo(new[] { "none", "client_secret_basic", "client_secret_post" }));
                Assert.That(Strings(metadata, "scopes_supported"), Does.Contain(Scope));
                Assert.That(metadata.GetProperty("token_endpoint").GetString(), Is.EqualTo($"{peer.AuthUrl}/token"));
                Assert.That(metadata.GetProperty("authorization_endpoint").GetString(), Is.EqualTo($"{peer.AuthUrl}/auth"));
                Assert.That(metadata.GetProperty("jwks_uri").GetString(), Is.EqualTo($"{peer.AuthUrl}/jwks"));
                Assert.That(metadata.GetProperty("revocation_endpoint").GetString(), Is.EqualTo($"{peer.AuthUrl}/token/revocation"));
                Assert.That(metadata.GetProperty("introspection_endpoint").GetString(), Is.EqualTo($"{peer.AuthUrl}/token/introspection"));
            });

            using (var challenge = await http.SendAsync(McpPost(peer.Url, InitializeBody, accessToken: null)))
            {
                var wwwAuthenticate = WwwAuthenticate(challenge);
                TestContext.Out.WriteLine($"no token: {(int)challenge.StatusCode} WWW-Authenticate: {wwwAuthenticate}");
                Assert.Multiple(() =>
                {
                    Assert.That(challenge.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                    Assert.That(wwwAuthenticate, Is.EqualTo($"Bearer resource_metadata=\"http://localhost:{peer.Port}/.well-known/oauth-protected-resource/mcp\""));
                });
            }

            using (var garbage = await http.SendAsync(McpPost(peer.Url, InitializeBody, accessToken: "not-a-jwt")))
            {
                var wwwAuthenticate = WwwAuthenticate(garbage);
                TestContext.Out.WriteLine($"garbage token: {(int)garbage.StatusCode} WWW-Authenticate: {wwwAuthenticate}");
                Assert.Multiple(() =>
                {
                    Assert.That(garbage.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                    Assert.That(wwwAuthenticate, Does.StartWith("Bearer error=\"invalid_token\", error_description=\"")
                        .And.Contain($"scope=\"{Scope}\"")
                        .And.Contain("resource_metadata=\""));
                });
            }

            using var prm = await GetJsonAsync(http, $"http://localhost:{peer.Port}/.well-known/oauth-protected-resource/mcp");
            TestContext.Out.WriteLine($"PRM: {prm.RootElement}");
            Assert.Multiple(() =>
            {
                Assert.That(prm.RootElement.GetProperty("resource").GetString(), Is.EqualTo(peer.Url));
                Assert.That(Strings(prm.RootElement, "authorization_servers"), Is.EqualTo(new[] { peer.AuthUrl }));
                Assert.That(Strings(prm.RootElement, "scopes_supported"), Is.EqualTo(new[] { Scope }));
                Assert.That(Strings(prm.RootElement, "bearer_methods_supported"), Is.EqualTo(new[] { "header" }));
            });

            AssertListensOnLoopbackOnly(peer.Port);
            AssertListensOnLoopbackOnly(peer.AuthPort);
            await peer.StopAsync();
            Assert.That(peer.HasExited, Is.True);
        }
    }

    [Test]
    public async Task Authorization_code_flow_with_pkce_then_refresh_rotation_and_reuse_detection()
    {
        var peer = await NodePeer.StartOidcStackAsync();
        await using (peer)
        {
            using var http = new HttpClient { Timeout = IoTimeout };
            var clientId = await RegisterPublicClientAsync(http, peer);

            var (verifier, challenge) = NewPkce();
            var state = $"st-{Guid.NewGuid():N}";
            var authorization = await AuthorizeAsync(peer, clientId, challenge, state);
            TestContext.Out.WriteLine($"authorize: {authorization.Hops.Count} redirects: {string.Join(" -> ", authorization.Hops)}");
            var callback = ParseQuery(authorization.Callback);
            Assert.Multiple(() =>
            {
                Assert.That(authorization.Callback.GetLeftPart(UriPartial.Path), Is.EqualTo(RedirectUri));
                Assert.That(callback.GetValueOrDefault("code"), Is.Not.Null.And.Not.Empty);
                Assert.That(callback.GetValueOrDefault("state"), Is.EqualTo(state));
                Assert.That(callback.GetValueOrDefault("iss"), Is.EqualTo(peer.AuthUrl));
                Assert.That(callback.ContainsKey("error"), Is.False, authorization.Callback.ToString());
            });

            using var first = await TokenAsync(http, peer, new()
            {
                ["grant_type"] = "authorization_code",
                ["code"] = callback["code"],
                ["code_verifier"] = verifier,
                ["client_id"] = clientId,
                ["redirect_uri"] = RedirectUri,
                ["resource"] = peer.Url,
            });
            var firstAccess = first.RootElement.GetProperty("access_token").GetString()!;
            var firstRefresh = first.RootElement.GetProperty("refresh_token").GetString()!;
            var claims = JwtPayload(firstAccess);
            TestContext.Out.WriteLine($"token: expires_in {first.RootElement.GetProperty("expires_in")}, scope {first.RootElement.GetProperty("scope")}, JWT payload {claims}");
            Assert.Multiple(() =>
            {
                Assert.That(first.RootElement.GetProperty("token_type").GetString(), Is.EqualTo("Bearer"));
                Assert.That(first.RootElement.GetProperty("expires_in").GetInt32(), Is.EqualTo(3600));
                Assert.That(first.RootElement.GetProperty("scope").GetString(), Is.EqualTo(Scope));
                Assert.That(claims.GetProperty("aud").GetString(), Is.EqualTo(peer.Url));
                Assert.That(claims.GetProperty("iss").GetString(), Is.EqualTo(peer.AuthUrl));
                Assert.That(claims.GetProperty("sub").GetString(), Is.EqualTo("test-user"));
                Assert.That(claims.GetProperty("scope").GetString(), Is.EqualTo(Scope));
                Assert.That(claims.GetProperty("client_id").GetString(), Is.EqualTo(clientId));
                Assert.That(claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64(), Is.EqualTo(3600));
            });

            // The token opens an MCP session, and the tools see who it belongs to.
            string sessionId;
            using (var initialize = await http.SendAsync(McpPost(peer.Url, InitializeBody, firstAccess)))
            {
                var body = await initialize.Content.ReadAsStringAsync();
                Assert.That(initialize.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
                Assert.That(SseData(body), Does.Contain("\"serverInfo\":{\"name\":\"oidc-mcp-stack\""));
                sessionId = initialize.Headers.GetValues("Mcp-Session-Id").Single();
            }

            using (var initialized = await http.SendAsync(McpPost(peer.Url, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", firstAccess, sessionId)))
            {
                Assert.That(initialized.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            }

            using (var whoami = await http.SendAsync(McpPost(peer.Url, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}""", firstAccess, sessionId)))
            {
                var body = await whoami.Content.ReadAsStringAsync();
                Assert.That(whoami.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
                Assert.That(SseData(body), Does.Contain("""{\"sub\":\"test-user\",\"scope\":\"mcp:tools\"}"""));
            }

            // Refresh: a new access token and a rotated refresh token.
            using var second = await TokenAsync(http, peer, new()
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = firstRefresh,
                ["client_id"] = clientId,
                ["resource"] = peer.Url,
            });
            var secondAccess = second.RootElement.GetProperty("access_token").GetString()!;
            var secondRefresh = second.RootElement.GetProperty("refresh_token").GetString()!;
            Assert.Multiple(() =>
            {
                Assert.That(secondAccess, Is.Not.EqualTo(firstAccess));
                Assert.That(secondRefresh, Is.Not.EqualTo(firstRefresh));
                Assert.That(JwtPayload(secondAccess).GetProperty("aud").GetString(), Is.EqualTo(peer.Url));
            });

            using (var withRefreshed = await http.SendAsync(McpPost(peer.Url, InitializeBody, secondAccess)))
            {
                Assert.That(withRefreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }

            // Reusing the rotated-out refresh token is invalid_grant, and oidc-provider then revokes the whole grant,
            // so the refresh token from the rotation is dead too.
            var (reuseStatus, reuseBody) = await RawTokenAsync(http, peer, new()
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = firstRefresh,
                ["client_id"] = clientId,
                ["resource"] = peer.Url,
            });
            TestContext.Out.WriteLine($"reuse of the old refresh token: {(int)reuseStatus} {reuseBody}");
            var (afterRevokeStatus, afterRevokeBody) = await RawTokenAsync(http, peer, new()
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = secondRefresh,
                ["client_id"] = clientId,
                ["resource"] = peer.Url,
            });
            Assert.Multiple(() =>
            {
                Assert.That(reuseStatus, Is.EqualTo(HttpStatusCode.BadRequest));
                Assert.That(ErrorCode(reuseBody), Is.EqualTo("invalid_grant"));
                Assert.That(afterRevokeStatus, Is.EqualTo(HttpStatusCode.BadRequest));
                Assert.That(ErrorCode(afterRevokeBody), Is.EqualTo("invalid_grant"));
            });

            using var stats = await GetJsonAsync(http, $"http://localhost:{peer.Port}/__stats");
            TestContext.Out.WriteLine($"__stats: {stats.RootElement}");
            var tokenRequests = stats.RootElement.GetProperty("tokenRequests");
            Assert.Multiple(() =>
            {
                Assert.That(tokenRequests.GetProperty("authorization_code").GetInt32(), Is.EqualTo(1));
                Assert.That(tokenRequests.GetProperty("refresh_token").GetInt32(), Is.EqualTo(3));
                Assert.That(stats.RootElement.GetProperty("tokenErrors").GetProperty("refresh_token").GetInt32(), Is.EqualTo(2));
                Assert.That(stats.RootElement.GetProperty("refreshReuse").GetInt32(), Is.EqualTo(1));
                Assert.That(stats.RootElement.GetProperty("registrations").GetInt32(), Is.EqualTo(1));
            });
        }
    }

    [Test]
    public async Task A_short_lived_access_token_expires_with_invalid_token_and_a_refresh_replaces_it()
    {
        var peer = await NodePeer.StartOidcStackAsync(accessTokenTtlSeconds: 2);
        await using (peer)
        {
            using var http = new HttpClient { Timeout = IoTimeout };
            var clientId = await RegisterPublicClientAsync(http, peer);
            var (verifier, challenge) = NewPkce();
            var authorization = await AuthorizeAsync(peer, clientId, challenge, "st-expiry");
            using var tokens = await TokenAsync(http, peer, new()
            {
                ["grant_type"] = "authorization_code",
                ["code"] = ParseQuery(authorization.Callback)["code"],
                ["code_verifier"] = verifier,
                ["client_id"] = clientId,
                ["redirect_uri"] = RedirectUri,
                ["resource"] = peer.Url,
            });
            var accessToken = tokens.RootElement.GetProperty("access_token").GetString()!;
            var claims = JwtPayload(accessToken);
            Assert.Multiple(() =>
            {
                Assert.That(tokens.RootElement.GetProperty("expires_in").GetInt32(), Is.EqualTo(2));
                Assert.That(claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64(), Is.EqualTo(2));
            });

            using (var fresh = await http.SendAsync(McpPost(peer.Url, InitializeBody, accessToken)))
            {
                Assert.That(fresh.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }

            // Wait until a second past exp (the resource server allows no clock skew).
            var expiredAt = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64()).AddSeconds(1);
            var clock = Stopwatch.StartNew();
            var wait = expiredAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            using (var expired = await http.SendAsync(McpPost(peer.Url, InitializeBody, accessToken)))
            {
                var wwwAuthenticate = WwwAuthenticate(expired);
                TestContext.Out.WriteLine($"after {clock.Elapsed.TotalSeconds:F1} s: {(int)expired.StatusCode} WWW-Authenticate: {wwwAuthenticate}");
                Assert.Multiple(() =>
                {
                    Assert.That(expired.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                    Assert.That(wwwAuthenticate, Does.Contain("error=\"invalid_token\"").And.Contain("ERR_JWT_EXPIRED")
                        .And.Contain($"scope=\"{Scope}\"")
                        .And.Contain($"resource_metadata=\"http://localhost:{peer.Port}/.well-known/oauth-protected-resource/mcp\""));
                });
            }

            using var refreshed = await TokenAsync(http, peer, new()
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = tokens.RootElement.GetProperty("refresh_token").GetString()!,
                ["client_id"] = clientId,
                ["resource"] = peer.Url,
            });
            using (var retried = await http.SendAsync(McpPost(peer.Url, InitializeBody, refreshed.RootElement.GetProperty("access_token").GetString()!)))
            {
                Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }
        }
    }

    private sealed record Authorization(Uri Callback, IReadOnlyList<string> Hops);

    /// <summary>RFC 7591 registration of a public client (no secret) for the platform's callback URL.</summary>
    private static async Task<string> RegisterPublicClientAsync(HttpClient http, NodePeer peer)
    {
        var registration = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["client_name"] = "oidc-stack-peer-tests",
            ["redirect_uris"] = new[] { RedirectUri },
            ["grant_types"] = new[] { "authorization_code", "refresh_token" },
            ["response_types"] = new[] { "code" },
            ["token_endpoint_auth_method"] = "none",
            ["scope"] = Scope,
        });
        using var response = await http.PostAsync(new Uri($"{peer.AuthUrl}/reg"), new StringContent(registration, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("token_endpoint_auth_method").GetString(), Is.EqualTo("none"));
            Assert.That(root.TryGetProperty("client_secret", out _), Is.False, "a public client gets no secret");
            Assert.That(Strings(root, "grant_types"), Is.EqualTo(new[] { "authorization_code", "refresh_token" }));
        });
        return root.GetProperty("client_id").GetString()!;
    }

    /// <summary>
    /// GET /auth, then follow the 303s by hand with a cookie jar (login and consent are auto-approved)
    /// until the Location points at the redirect_uri, which is not requested: nothing listens there.
    /// </summary>
    private static async Task<Authorization> AuthorizeAsync(NodePeer peer, string clientId, string challenge, string state)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { Timeout = IoTimeout };
        var query = string.Join('&', new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = Scope,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["resource"] = peer.Url,
        }.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var next = new Uri($"{peer.AuthUrl}/auth?{query}");
        var hops = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await browser.GetAsync(next);
            var location = response.Headers.Location;
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther).Or.EqualTo(HttpStatusCode.Found), $"GET {next}: {await response.Content.ReadAsStringAsync()}");
            Assert.That(location, Is.Not.Null, $"GET {next} redirected without a Location");
            next = new Uri(next, location!);
            hops.Add($"{(int)response.StatusCode} {next.GetLeftPart(UriPartial.Path)}");
            if (next.ToString().StartsWith(RedirectUri, StringComparison.Ordinal))
            {
                return new Authorization(next, hops);
            }
        }

        Assert.Fail($"no redirect to {RedirectUri} after {hops.Count} hops: {string.Join(" -> ", hops)}");
        throw new UnreachableException();
    }

    private static async Task<JsonDocument> TokenAsync(HttpClient http, NodePeer peer, Dictionary<string, string> form)
    {
        var (status, body) = await RawTokenAsync(http, peer, form);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), $"{form["grant_type"]}: {body}");
        return JsonDocument.Parse(body);
    }

    private static async Task<(HttpStatusCode Status, string Body)> RawTokenAsync(HttpClient http, NodePeer peer, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(new Uri($"{peer.AuthUrl}/token"), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(new Uri(url));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET {url}: {body}");
        return JsonDocument.Parse(body);
    }

    private static HttpRequestMessage McpPost(string url, string json, string? accessToken, string? sessionId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (accessToken is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
            request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        }

        return request;
    }

    private static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return (verifier, challenge);
    }

    private static JsonElement JwtPayload(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.That(parts, Has.Length.EqualTo(3), "the access token is not a compact JWS");
        using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        return document.RootElement.Clone();
    }

    private static Dictionary<string, string> ParseQuery(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty);

    private static string[] Strings(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];

    private static string? ErrorCode(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null;
    }

    private static string WwwAuthenticate(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? values.ToString() : string.Empty;

    /// <summary>The JSON of the non-empty <c>data:</c> lines of an SSE body (or the body itself when it is plain JSON).</summary>
    private static string SseData(string body) =>
        body.TrimStart().StartsWith('{')
            ? body
            : string.Join('\n', body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()).Where(l => l.Length > 0));

    private static void AssertListensOnLoopbackOnly(int port)
    {
        var listeners = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Where(e => e.Port == port).ToList();
        Assert.That(listeners, Is.Not.Empty, $"nothing listens on port {port}");
        Assert.That(listeners.Select(e => e.Address), Is.All.EqualTo(IPAddress.Loopback), $"listeners on port {port}: {string.Join(", ", listeners)}");
    }
}
