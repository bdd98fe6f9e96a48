using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.OAuth;

namespace McpPlatform.Infrastructure.OAuth;

/// <summary>RFC 9728 protected-resource metadata, then RFC 8414 / OIDC discovery of its authorization server, in the
/// MCP order; what the servers publish is checked before it is used (<see cref="OAuthDocuments"/>).</summary>
internal sealed class OAuthDiscoveryClient(HttpClient http, OAuthDocuments documents)
{
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
            throw new OAuthFault(OAuthErrors.Unreachable($"Discovery did not complete within {DiscoveryTimeout.TotalSeconds:0} s"));
        }
    }

    private async Task<OAuthDiscovery> DiscoverWithinAsync(Uri serverUrl, WwwAuthenticateChallenge? challenge, IReadOnlyDictionary<string, string> extraHeaders, string? fallbackIssuer, CancellationToken ct)
    {
        challenge ??= await ProbeAsync(serverUrl, extraHeaders, ct);
        var metadataUrl = challenge?.ResourceMetadata is { } fromChallenge ? documents.Endpoint(fromChallenge, "resource_metadata (WWW-Authenticate)") : null;
        var (prm, _) = await documents.FirstJsonAsync(ProtectedResourceMetadataUrls(serverUrl, metadataUrl), extraHeaders, ct);
        string issuer;
        string resource;
        var scope = challenge?.Scope;
        if (prm is not null)
        {
            resource = OAuthDocuments.Text(prm, "resource") ?? CanonicalResource(serverUrl);
            if (!ResourceMatches(resource, serverUrl))
            {
                throw new OAuthFault(OAuthErrors.Discovery("The protected resource metadata names a resource that is not this server's URL"));
            }

            var named = prm["authorization_servers"] is JsonArray servers && servers.Count > 0 && servers[0] is JsonValue first && first.TryGetValue<string>(out var value) ? value : null;
            issuer = documents.Endpoint(named ?? throw new OAuthFault(OAuthErrors.Discovery("The protected resource metadata names no authorization server")), "authorization_servers");
            scope ??= OAuthDocuments.Strings(prm["scopes_supported"]) is { Count: > 0 } supported ? string.Join(' ', supported) : null;
        }
        else
        {
            // 2025-03-26 servers: no resource metadata; the authorization server is the one configured by hand, else
            // the server's origin.
            resource = CanonicalResource(serverUrl);
            issuer = fallbackIssuer ?? serverUrl.GetLeftPart(UriPartial.Authority);
        }

        var (metadata, _) = await documents.FirstJsonAsync(AuthorizationServerMetadataUrls(issuer), extraHeaders, ct);
        if (metadata is null)
        {
            if (prm is not null)
            {
                throw new OAuthFault(OAuthErrors.Discovery($"No authorization server metadata found for {issuer}"));
            }

            var origin = issuer.TrimEnd('/');
            return new OAuthDiscovery(resource, issuer, origin + "/authorize", origin + "/token", origin + "/register", null, [], [], false, scope, FromMetadata: false);
        }

        var advertised = OAuthDocuments.Text(metadata, "issuer");
        if (advertised is null || !Issuers.Same(advertised, issuer))
        {
            throw new OAuthFault(OAuthErrors.Discovery($"The authorization server metadata's issuer is not {issuer}"));
        }

        return new OAuthDiscovery(
            resource,
            advertised,
            documents.Endpoint(metadata, "authorization_endpoint", required: true)!,
            documents.Endpoint(metadata, "token_endpoint", required: true)!,
            documents.Endpoint(metadata, "registration_endpoint"),
            documents.Endpoint(metadata, "revocation_endpoint"),
            OAuthDocuments.Strings(metadata["token_endpoint_auth_methods_supported"]),
            OAuthDocuments.Strings(metadata["code_challenge_methods_supported"]),
            metadata["client_id_metadata_document_supported"]?.GetValueKind() == JsonValueKind.True,
            scope,
            FromMetadata: true,
            IssParameterSupported: metadata["authorization_response_iss_parameter_supported"]?.GetValueKind() == JsonValueKind.True);
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
        timeout.CancelAfter(OAuthDocuments.RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return WwwAuthenticate.ParseBearer(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new OAuthFault(OAuthErrors.Unreachable($"The MCP server could not be reached for discovery: {e.Message}"), e);
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
