using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Infrastructure.OAuth;

/// <summary>
/// OAuth 2.1 for MCP over HTTP (through the SSRF-guarded client): RFC 9728 protected-resource metadata, RFC 8414 /
/// OIDC discovery in the MCP order, RFC 7591 registration, PKCE code exchange, refresh and RFC 7009 revocation,
/// with RFC 8707 <c>resource</c> on every authorize, token and refresh request. Everything an authorization or
/// protected-resource server sends is untrusted: documents are read up to <see cref="MaxDocumentBytes"/> and within
/// <see cref="RequestTimeout"/> (so an endless or slow-drip answer ends), members of the wrong JSON type count as
/// absent, and every URL taken from them must be an absolute https URL (http only to a loopback host the outbound
/// policy allows) before anything is sent to it or handed to a browser.
/// </summary>
public sealed class HttpOAuthClient(HttpClient http, IOutboundUrlPolicy urlPolicy) : IOAuthClient
{
    /// <summary>Far above any real metadata document or token response (a few KiB).</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>All of discovery (probe, protected-resource and issuer metadata, several well-known URLs each).</summary>
    private static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(30);

    public async Task<OAuthDiscovery> DiscoverAsync(Uri serverUrl, WwwAuthenticateChallenge? challenge, IReadOnlyDictionary<string, string> extraHeaders, string? fallbackIssuer, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(DiscoveryTimeout);
        try
        {
            return await DiscoverWithinAsync(serverUrl, challenge, extraHeaders, fallbackIssuer, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new OAuthException(OAuthFailure.Unreachable, $"Discovery did not complete within {DiscoveryTimeout.TotalSeconds:0} s");
        }
    }

    private async Task<OAuthDiscovery> DiscoverWithinAsync(Uri serverUrl, WwwAuthenticateChallenge? challenge, IReadOnlyDictionary<string, string> extraHeaders, string? fallbackIssuer, CancellationToken ct)
    {
        challenge ??= await ProbeAsync(serverUrl, extraHeaders, ct);
        var metadataUrl = challenge?.ResourceMetadata is { } fromChallenge ? Endpoint(fromChallenge, "resource_metadata (WWW-Authenticate)") : null;
        var (prm, _) = await FirstJsonAsync(ProtectedResourceMetadataUrls(serverUrl, metadataUrl), extraHeaders, ct);
        string issuer;
        string resource;
        string? scope = challenge?.Scope;
        if (prm is not null)
        {
            resource = Text(prm, "resource") ?? CanonicalResource(serverUrl);
            if (!ResourceMatches(resource, serverUrl))
            {
                throw new OAuthException(OAuthFailure.Discovery, "The protected resource metadata names a resource that is not this server's URL");
            }

            var named = prm["authorization_servers"] is JsonArray servers && servers.Count > 0 && servers[0] is JsonValue first && first.TryGetValue<string>(out var value) ? value : null;
            issuer = Endpoint(named ?? throw new OAuthException(OAuthFailure.Discovery, "The protected resource metadata names no authorization server"), "authorization_servers");
            scope ??= Strings(prm["scopes_supported"]) is { Count: > 0 } supported ? string.Join(' ', supported) : null;
        }
        else
        {
            // 2025-03-26 servers: no resource metadata; the authorization server is the one configured by hand, else
            // the server's origin.
            resource = CanonicalResource(serverUrl);
            issuer = fallbackIssuer ?? serverUrl.GetLeftPart(UriPartial.Authority);
        }

        var (metadata, _) = await FirstJsonAsync(AuthorizationServerMetadataUrls(issuer), extraHeaders, ct);
        if (metadata is null)
        {
            if (prm is not null)
            {
                throw new OAuthException(OAuthFailure.Discovery, $"No authorization server metadata found for {issuer}");
            }

            var origin = issuer.TrimEnd('/');
            return new OAuthDiscovery(resource, issuer, origin + "/authorize", origin + "/token", origin + "/register", null, [], [], false, scope, FromMetadata: false);
        }

        var advertised = Text(metadata, "issuer");
        if (advertised is null || !Issuers.Same(advertised, issuer))
        {
            throw new OAuthException(OAuthFailure.Discovery, $"The authorization server metadata's issuer is not {issuer}");
        }

        return new OAuthDiscovery(
            resource,
            advertised,
            Endpoint(metadata, "authorization_endpoint", required: true)!,
            Endpoint(metadata, "token_endpoint", required: true)!,
            Endpoint(metadata, "registration_endpoint"),
            Endpoint(metadata, "revocation_endpoint"),
            Strings(metadata["token_endpoint_auth_methods_supported"]),
            Strings(metadata["code_challenge_methods_supported"]),
            metadata["client_id_metadata_document_supported"]?.GetValueKind() == JsonValueKind.True,
            scope,
            FromMetadata: true,
            IssParameterSupported: metadata["authorization_response_iss_parameter_supported"]?.GetValueKind() == JsonValueKind.True);
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
        if (status is not (HttpStatusCode.OK or HttpStatusCode.Created) || json is null || Text(json, "client_id") is not { Length: > 0 } clientId)
        {
            throw new OAuthException(OAuthFailure.Registration, $"Dynamic client registration failed (HTTP {(int)status}{ErrorSuffix(json)})");
        }

        var secret = Text(json, "client_secret");
        var granted = Text(json, "token_endpoint_auth_method") ?? (secret is null ? "none" : method);
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
        if (status == HttpStatusCode.OK && json is not null && Text(json, "access_token") is { Length: > 0 } accessToken)
        {
            return new TokenResponse(
                accessToken,
                Text(json, "refresh_token"),
                Text(json, "token_type") ?? "Bearer",
                json["expires_in"] is JsonValue expires && expires.TryGetValue<int>(out var seconds) ? seconds : null,
                Text(json, "scope"));
        }

        var error = json is null ? null : Text(json, "error");
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

    /// <summary>One request and its answer as JSON (null when it is not a JSON object), reading at most
    /// <see cref="MaxDocumentBytes"/> of it and giving up after <see cref="RequestTimeout"/>.</summary>
    private async Task<(HttpStatusCode Status, JsonObject? Json)> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        var where = request.RequestUri?.GetLeftPart(UriPartial.Path);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadBoundedAsync(response.Content, where, timeout.Token);
            JsonObject? json = null;
            try
            {
                json = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }) as JsonObject;
            }
            catch (JsonException)
            {
                // Not JSON: the caller decides what the status means.
            }

            return (response.StatusCode, json);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new OAuthException(OAuthFailure.Unreachable, $"{where} did not answer within {RequestTimeout.TotalSeconds:0} s", e);
        }
        catch (HttpRequestException e)
        {
            throw new OAuthException(OAuthFailure.Unreachable, $"{where} could not be reached: {e.Message}", e);
        }
    }

    /// <summary>The body, refused as soon as it is known to be larger than <see cref="MaxDocumentBytes"/> (by its
    /// declared length, else once that many bytes have arrived): the excess is never buffered.</summary>
    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, string? where, CancellationToken ct)
    {
        if (content.Headers.ContentLength > MaxDocumentBytes)
        {
            throw TooLarge(where);
        }

        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes)
            {
                throw TooLarge(where);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static OAuthException TooLarge(string? where) =>
        new(OAuthFailure.Discovery, $"{where} answered with more than {MaxDocumentBytes / 1024} KiB; not read");

    /// <summary>A member's string value; absent, null or of another JSON type is null.</summary>
    private static string? Text(JsonObject json, string member) =>
        json[member] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>An endpoint from metadata: absent is null (or an error when <paramref name="required"/>), anything but
    /// an acceptable absolute URL an error naming the member.</summary>
    private string? Endpoint(JsonObject metadata, string member, bool required = false) =>
        metadata.ContainsKey(member) && metadata[member] is not null
            ? Endpoint(Text(metadata, member) ?? throw new OAuthException(OAuthFailure.Discovery, $"The authorization server metadata's {member} is not a URL"), member)
            : required ? throw new OAuthException(OAuthFailure.Discovery, $"The authorization server metadata has no {member}") : null;

    /// <summary>A URL the platform will call or send a browser to: absolute, https (http only to a loopback host the
    /// outbound policy allows), without credentials in it. Refused as an error naming where it came from: a
    /// <c>javascript:</c> or <c>data:</c> authorization endpoint would otherwise reach the SPA as a link.</summary>
    private string Endpoint(string url, string member)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new OAuthException(OAuthFailure.Discovery, $"The authorization server's {member} is not an absolute https URL");
        }

        if (!urlPolicy.AllowsPlainHttp(uri))
        {
            throw new OAuthException(OAuthFailure.Discovery, $"The authorization server's {member} is not https");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new OAuthException(OAuthFailure.Discovery, $"The authorization server's {member} carries credentials");
        }

        return url;
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()] : [];

    private static string ErrorSuffix(JsonObject? json) =>
        json is not null && Text(json, "error") is { } error ? $": {SafeToken(error)}" : string.Empty;

    /// <summary>An authorization server's error code is shown to users: only a short token of safe characters passes.</summary>
    private static string SafeToken(string value) =>
        value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') ? value : "(unreadable error code)";

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
