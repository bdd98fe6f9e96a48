using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Infrastructure.OAuth;

/// <summary>
/// OAuth 2.1 for MCP over HTTP (through the SSRF-guarded client): discovery (<see cref="OAuthDiscoveryClient"/>),
/// RFC 7591 registration, PKCE code exchange, refresh and RFC 7009 revocation, with RFC 8707 <c>resource</c> on every
/// authorize, token and refresh request. Everything the servers send is read as <see cref="OAuthDocuments"/> says;
/// a failure reaches the domain as an <see cref="OAuthErrors"/> value.
/// </summary>
public sealed class HttpOAuthClient : IOAuthClient
{
    /// <summary>Far above any real metadata document or token response (a few KiB).</summary>
    public const int MaxDocumentBytes = OAuthDocuments.MaxDocumentBytes;

    private readonly OAuthDocuments _documents;
    private readonly OAuthDiscoveryClient _discovery;

    public HttpOAuthClient(HttpClient http, IOutboundUrlPolicy urlPolicy)
    {
        _documents = new OAuthDocuments(http, urlPolicy);
        _discovery = new OAuthDiscoveryClient(http, _documents);
    }

    /// <summary>RFC 8414 path insertion, OIDC path insertion, OIDC path append; without a path RFC 8414 then OIDC.</summary>
    public static IEnumerable<string> AuthorizationServerMetadataUrls(string issuer) => OAuthDiscoveryClient.AuthorizationServerMetadataUrls(issuer);

    /// <summary>The metadata's resource must be this server: same origin, and its path a prefix of the server's path.</summary>
    public static bool ResourceMatches(string resource, Uri serverUrl) => OAuthDiscoveryClient.ResourceMatches(resource, serverUrl);

    public Task<Result<OAuthDiscovery>> DiscoverAsync(Uri serverUrl, WwwAuthenticateChallenge? challenge, IReadOnlyDictionary<string, string> extraHeaders, string? fallbackIssuer, CancellationToken ct) =>
        Guard(() => _discovery.DiscoverAsync(serverUrl, challenge, extraHeaders, fallbackIssuer, ct));

    public Task<Result<ClientRegistration>> RegisterAsync(OAuthDiscovery discovery, string redirectUri, string? scope, CancellationToken ct) =>
        Guard(() => RegisterCoreAsync(discovery, redirectUri, scope, ct));

    public Task<Result<TokenResponse>> ExchangeCodeAsync(OAuthFlow flow, ClientRegistration client, string code, CancellationToken ct) =>
        Guard(() => ExchangeCoreAsync(flow, client, code, ct));

    public Task<Result<TokenResponse>> RefreshAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct) =>
        Guard(() => RefreshCoreAsync(tokens, client, ct));

    public Task<Result<Success>> RevokeAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct) =>
        Guard(async () =>
        {
            await RevokeCoreAsync(tokens, client, ct);
            return Success.Instance;
        });

    /// <summary>The one place where this client's failures turn into values.</summary>
    private static async Task<Result<T>> Guard<T>(Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (OAuthFault e)
        {
            return e.Error;
        }
    }

    private async Task<ClientRegistration> RegisterCoreAsync(OAuthDiscovery discovery, string redirectUri, string? scope, CancellationToken ct)
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
        var (status, json) = await _documents.SendAsync(request, ct);
        if (status is not (HttpStatusCode.OK or HttpStatusCode.Created) || json is null || OAuthDocuments.Text(json, "client_id") is not { Length: > 0 } clientId)
        {
            throw new OAuthFault(OAuthErrors.Registration($"Dynamic client registration failed (HTTP {(int)status}{OAuthDocuments.ErrorSuffix(json)})"));
        }

        var secret = OAuthDocuments.Text(json, "client_secret");
        var granted = OAuthDocuments.Text(json, "token_endpoint_auth_method") ?? (secret is null ? "none" : method);
        return new ClientRegistration(clientId, secret, granted);
    }

    private Task<TokenResponse> ExchangeCoreAsync(OAuthFlow flow, ClientRegistration client, string code, CancellationToken ct) =>
        TokenRequestAsync(flow.TokenEndpoint, client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = flow.RedirectUri,
            ["code_verifier"] = flow.CodeVerifier,
            ["resource"] = flow.Resource,
        }, ct);

    private Task<TokenResponse> RefreshCoreAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct) =>
        TokenRequestAsync(tokens.TokenEndpoint, client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.RefreshToken ?? throw new OAuthFault(OAuthErrors.InvalidGrant("No refresh token")),
            ["resource"] = tokens.Resource,
        }, ct);

    private async Task RevokeCoreAsync(TokenSet tokens, ClientRegistration client, CancellationToken ct)
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
            var (status, json) = await _documents.SendAsync(request, ct);
            if (status != HttpStatusCode.OK)
            {
                throw new OAuthFault(OAuthErrors.TokenEndpoint($"Revocation failed (HTTP {(int)status}{OAuthDocuments.ErrorSuffix(json)})"));
            }
        }
    }

    private async Task<TokenResponse> TokenRequestAsync(string endpoint, ClientRegistration client, Dictionary<string, string> form, CancellationToken ct)
    {
        using var request = FormRequest(endpoint, client, form);
        var (status, json) = await _documents.SendAsync(request, ct);
        if (status == HttpStatusCode.OK && json is not null && OAuthDocuments.Text(json, "access_token") is { Length: > 0 } accessToken)
        {
            return new TokenResponse(
                accessToken,
                OAuthDocuments.Text(json, "refresh_token"),
                OAuthDocuments.Text(json, "token_type") ?? "Bearer",
                json["expires_in"] is JsonValue expires && expires.TryGetValue<int>(out var seconds) ? seconds : null,
                OAuthDocuments.Text(json, "scope"));
        }

        var error = json is null ? null : OAuthDocuments.Text(json, "error");
        var message = json is null && status == HttpStatusCode.OK
            ? "The token endpoint answered with something that is not a token response"
            : $"The token request failed (HTTP {(int)status}{OAuthDocuments.ErrorSuffix(json)})";
        throw new OAuthFault(error == WireCodes.InvalidGrant ? OAuthErrors.InvalidGrant(message) : OAuthErrors.TokenEndpoint(message));
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
}
