using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.OAuth;

namespace McpPlatform.Infrastructure.OAuth;

/// <summary>
/// OAuth 2.1 for MCP over HTTP (through the SSRF-guarded client): RFC 9728 protected-resource metadata, RFC 8414 /
/// OIDC discovery in the MCP order, RFC 7591 registration, PKCE code exchange, refresh and RFC 7009 revocation,
/// with RFC 8707 <c>resource</c> on every authorize, token and refresh request.
/// </summary>
public sealed class HttpOAuthClient(HttpClient http) : IOAuthClient
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    public async Task<OAuthDiscovery> DiscoverAsync(Uri serverUrl, WwwAuthenticateChallenge? challenge, IReadOnlyDictionary<string, string> extraHeaders, CancellationToken ct)
    {
        challenge ??= await ProbeAsync(serverUrl, extraHeaders, ct);
        var (prm, _) = await FirstJsonAsync(ProtectedResourceMetadataUrls(serverUrl, challenge?.ResourceMetadata), extraHeaders, ct);
        string issuer;
        string resource;
        string? scope = challenge?.Scope;
        if (prm is not null)
        {
            resource = prm["resource"]?.GetValue<string>() ?? CanonicalResource(serverUrl);
            if (!ResourceMatches(resource, serverUrl))
            {
                throw new OAuthException(OAuthFailure.Discovery, $"The protected resource metadata names resource {resource}, which is not this server's URL");
            }

            issuer = prm["authorization_servers"]?.AsArray().FirstOrDefault()?.GetValue<string>()
                ?? throw new OAuthException(OAuthFailure.Discovery, "The protected resource metadata names no authorization server");
            scope ??= prm["scopes_supported"] is JsonArray supported && supported.Count > 0 ? string.Join(' ', supported.Select(s => s!.GetValue<string>())) : null;
        }
        else
        {
            // 2025-03-26 servers: no resource metadata; the authorization server is the server's origin.
            resource = CanonicalResource(serverUrl);
            issuer = serverUrl.GetLeftPart(UriPartial.Authority);
        }

        var (metadata, _) = await FirstJsonAsync(AuthorizationServerMetadataUrls(issuer), extraHeaders, ct);
        if (metadata is null)
        {
            if (prm is not null)
            {
                throw new OAuthException(OAuthFailure.Discovery, $"No authorization server metadata found for {issuer}");
            }

            var origin = issuer.TrimEnd('/');
            return new OAuthDiscovery(resource, issuer, origin + "/authorize", origin + "/token", origin + "/register", null, [], [], false, scope);
        }

        var advertised = metadata["issuer"]?.GetValue<string>();
        if (advertised is null || !Issuers.Same(advertised, issuer))
        {
            throw new OAuthException(OAuthFailure.Discovery, $"The authorization server metadata's issuer {advertised} is not {issuer}");
        }

        return new OAuthDiscovery(
            resource,
            advertised,
            Required(metadata, "authorization_endpoint"),
            Required(metadata, "token_endpoint"),
            metadata["registration_endpoint"]?.GetValue<string>(),
            metadata["revocation_endpoint"]?.GetValue<string>(),
            Strings(metadata["token_endpoint_auth_methods_supported"]),
            Strings(metadata["code_challenge_methods_supported"]),
            metadata["client_id_metadata_document_supported"]?.GetValueKind() == JsonValueKind.True,
            scope);
    }

    public async Task<ClientRegistration> RegisterAsync(OAuthDiscovery discovery, string redirectUri, string? scope, CancellationToken ct)
    {
        var method = discovery.TokenAuthMethods.Count == 0 || discovery.TokenAuthMethods.Contains("client_secret_basic") ? "client_secret_basic"
            : discovery.TokenAuthMethods.Contains("client_secret_post") ? "client_secret_post"
            : "none";
        var body = new JsonObject
        {
            ["client_name"] = "McpPlatform",
            ["application_type"] = "web",
            ["redirect_uris"] = new JsonArray(redirectUri),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["token_endpoint_auth_method"] = method,
        };
        if (scope is not null)
        {
            body["scope"] = scope;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, discovery.RegistrationEndpoint) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        var (status, json) = await SendAsync(request, ct);
        if (status is not (HttpStatusCode.OK or HttpStatusCode.Created) || json?["client_id"]?.GetValue<string>() is not { } clientId)
        {
            throw new OAuthException(OAuthFailure.Registration, $"Dynamic client registration failed (HTTP {(int)status}{ErrorSuffix(json)})");
        }

        var secret = json["client_secret"]?.GetValue<string>();
        var granted = json["token_endpoint_auth_method"]?.GetValue<string>() ?? (secret is null ? "none" : method);
        return new ClientRegistration(clientId, secret, granted);
    }

    public Task<TokenResponse> ExchangeCodeAsync(OAuthFlow flow, ClientRegistration client, string code, CancellationToken ct) =>
        TokenRequestAsync(flow.TokenEndpoint, client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = flow.RedirectUri,
            ["code_verifier"] = flow.CodeVerifier,
            ["resource"] = flow.Resource,
        }, ct);

    public Task<TokenResponse> RefreshAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct) =>
        TokenRequestAsync(tokens.TokenEndpoint, client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.RefreshToken ?? throw new OAuthException(OAuthFailure.InvalidGrant, "No refresh token"),
            ["resource"] = tokens.Resource,
        }, ct);

    public async Task RevokeAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct)
    {
        if (tokens.RevocationEndpoint is null)
        {
            return;
        }

        foreach (var (token, hint) in new[] { (tokens.RefreshToken, "refresh_token"), (tokens.AccessToken, "access_token") })
        {
            if (token is null)
            {
                continue;
            }

            using var request = FormRequest(tokens.RevocationEndpoint, client, new Dictionary<string, string> { ["token"] = token, ["token_type_hint"] = hint });
            var (status, json) = await SendAsync(request, ct);
            if (status != HttpStatusCode.OK)
            {
                throw new OAuthException(OAuthFailure.TokenEndpoint, $"Revocation failed (HTTP {(int)status}{ErrorSuffix(json)})");
            }
        }
    }

    private async Task<TokenResponse> TokenRequestAsync(string endpoint, ClientRegistration client, Dictionary<string, string> form, CancellationToken ct)
    {
        using var request = FormRequest(endpoint, client, form);
        var (status, json) = await SendAsync(request, ct);
        if (status == HttpStatusCode.OK && json?["access_token"]?.GetValue<string>() is { Length: > 0 } accessToken)
        {
            return new TokenResponse(
                accessToken,
                json["refresh_token"]?.GetValue<string>(),
                json["token_type"]?.GetValue<string>() ?? "Bearer",
                json["expires_in"] is JsonValue expires && expires.TryGetValue<int>(out var seconds) ? seconds : null,
                json["scope"]?.GetValue<string>());
        }

        var error = json?["error"]?.GetValue<string>();
        throw new OAuthException(error == "invalid_grant" ? OAuthFailure.InvalidGrant : OAuthFailure.TokenEndpoint,
            json is null && status == HttpStatusCode.OK ? "The token endpoint answered with something that is not a token response" : $"The token request failed (HTTP {(int)status}{ErrorSuffix(json)})");
    }

    /// <summary>A token-endpoint request authenticated the registration's way: Basic header, form fields, or public client.</summary>
    private static HttpRequestMessage FormRequest(string endpoint, ClientRegistration client, Dictionary<string, string> form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        switch (client.TokenAuthMethod)
        {
            case "client_secret_basic" when client.ClientSecret is not null:
                var credentials = $"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.ClientSecret)}";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
                break;
            case "client_secret_post" when client.ClientSecret is not null:
                form["client_id"] = client.ClientId;
                form["client_secret"] = client.ClientSecret;
                break;
            default:
                form["client_id"] = client.ClientId;
                break;
        }

        request.Content = new FormUrlEncodedContent(form);
        return request;
    }

    private async Task<WwwAuthenticateChallenge?> ProbeAsync(Uri serverUrl, IReadOnlyDictionary<string, string> extraHeaders, CancellationToken ct)
    {
        const string initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"mcp-platform","version":"1.0.0"}}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, serverUrl) { Content = new StringContent(initialize, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        foreach (var (name, value) in extraHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return WwwAuthenticate.ParseBearer(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new OAuthException(OAuthFailure.Unreachable, $"The MCP server could not be reached for discovery: {e.Message}", e);
        }
    }

    /// <summary>RFC 9728: the challenge's URL, else the path-specific well-known URL, else the root one.</summary>
    private static IEnumerable<string> ProtectedResourceMetadataUrls(Uri serverUrl, string? fromChallenge)
    {
        if (fromChallenge is not null)
        {
            yield return fromChallenge;
        }

        var origin = serverUrl.GetLeftPart(UriPartial.Authority);
        var path = serverUrl.AbsolutePath.TrimEnd('/');
        if (path.Length > 0)
        {
            yield return $"{origin}/.well-known/oauth-protected-resource{path}";
        }

        yield return $"{origin}/.well-known/oauth-protected-resource";
    }

    /// <summary>RFC 8414 path insertion, OIDC path insertion, OIDC path append; without a path RFC 8414 then OIDC.</summary>
    public static IEnumerable<string> AuthorizationServerMetadataUrls(string issuer)
    {
        var uri = new Uri(issuer);
        var origin = uri.GetLeftPart(UriPartial.Authority);
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.Length == 0)
        {
            return [$"{origin}/.well-known/oauth-authorization-server", $"{origin}/.well-known/openid-configuration"];
        }

        return [$"{origin}/.well-known/oauth-authorization-server{path}", $"{origin}/.well-known/openid-configuration{path}", $"{origin}{path}/.well-known/openid-configuration"];
    }

    private async Task<(JsonObject? Json, string? Url)> FirstJsonAsync(IEnumerable<string> urls, IReadOnlyDictionary<string, string> extraHeaders, CancellationToken ct)
    {
        foreach (var url in urls.Distinct(StringComparer.Ordinal))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var (name, value) in extraHeaders)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            var (status, json) = await SendAsync(request, ct);
            if (status == HttpStatusCode.OK && json is not null)
            {
                return (json, url);
            }
        }

        return (null, null);
    }

    private async Task<(HttpStatusCode Status, JsonObject? Json)> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            JsonObject? json = null;
            try
            {
                json = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                // Not JSON: the caller decides what the status means.
            }

            return (response.StatusCode, json);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new OAuthException(OAuthFailure.Unreachable, $"{request.RequestUri?.GetLeftPart(UriPartial.Path)} could not be reached: {e.Message}", e);
        }
    }

    private static string Required(JsonObject metadata, string member) =>
        metadata[member]?.GetValue<string>() ?? throw new OAuthException(OAuthFailure.Discovery, $"The authorization server metadata has no {member}");

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n?.GetValue<string>()).OfType<string>()] : [];

    private static string ErrorSuffix(JsonObject? json) =>
        json?["error"]?.GetValue<string>() is { } error ? $": {error}" : string.Empty;

    private static string CanonicalResource(Uri serverUrl) => serverUrl.GetLeftPart(UriPartial.Path);

    /// <summary>The metadata's resource must be this server: same origin, and its path a prefix of the server's path.</summary>
    public static bool ResourceMatches(string resource, Uri serverUrl) =>
        Uri.TryCreate(resource, UriKind.Absolute, out var declared)
        && string.Equals(declared.GetLeftPart(UriPartial.Authority), serverUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
        && PathWithin(serverUrl.AbsolutePath.TrimEnd('/'), declared.AbsolutePath.TrimEnd('/'));

    /// <summary>Equal paths, or the server's path below the declared one at a segment boundary (<c>/api</c> does not cover <c>/apikeys</c>).</summary>
    private static bool PathWithin(string path, string declared) =>
        declared.Length == 0 || path == declared || path.StartsWith(declared + "/", StringComparison.Ordinal);
}
