using McpPlatform.Domain.Common;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.OAuth;

/// <summary>
/// The code goes only to the authorization server that issued it. A flow's authorization, token, registration and
/// revocation endpoints come from one source: the metadata of the issuer discovery found, or endpoints configured
/// by hand on one origin. An endpoint configured by hand must agree with that source (same origin as the endpoint
/// it stands for), else the flow is not started — an editor who points <c>token_url</c> at their own host would
/// otherwise receive every user's code, PKCE verifier and client credentials.
/// </summary>
public static class OAuthEndpoints
{
    private const string AuthorizationField = "oauth.authorization_url";
    private const string TokenField = "oauth.token_url";
    private const string RevocationField = "oauth.revocation_endpoint";

    /// <summary>What the configuration alone shows at save time: endpoints configured by hand are a source of their
    /// own, so the authorization and token endpoints are configured together or not at all, and a revocation endpoint
    /// only with them (mixed with discovered ones, they would be two sources).</summary>
    public static IReadOnlyList<FieldError> CheckConfigured(OAuthSettings? settings)
    {
        if (settings is null)
        {
            return [];
        }

        var errors = new List<FieldError>();
        var hasAuthorization = settings.AuthorizationUrl is not null;
        var hasToken = settings.TokenUrl is not null;
        if (hasAuthorization != hasToken)
        {
            var (set, missing) = hasAuthorization ? (AuthorizationField, TokenField) : (TokenField, AuthorizationField);
            errors.Add(new FieldError(set, $"Configure {set} together with {missing}, or neither (the authorization server's metadata then names both)", "endpoints_incomplete"));
        }

        if (settings.RevocationEndpoint is not null && !(hasAuthorization && hasToken))
        {
            errors.Add(new FieldError(RevocationField, $"Configure {RevocationField} only together with {AuthorizationField} and {TokenField}", "endpoints_incomplete"));
        }

        return errors;
    }

    /// <summary>The issuer to discover when the protected resource names none: the origin of the hand-configured
    /// authorization endpoint (e.g. an authorization server that publishes metadata but is not named by the MCP
    /// server), else null (the MCP server's own origin).</summary>
    public static string? ConfiguredIssuer(OAuthSettings? settings) =>
        settings?.AuthorizationUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;

    /// <summary>The endpoints a flow uses: the discovered ones, with those configured by hand in their place where
    /// they agree with the source; an error naming the first field that does not.</summary>
    public static Result<OAuthDiscovery> Reconcile(OAuthDiscovery discovered, OAuthSettings? settings)
    {
        if (settings?.AuthorizationUrl is null && settings?.TokenUrl is null && settings?.RevocationEndpoint is null)
        {
            return discovered;
        }

        var configured = new (string Field, string? Url, string? Counterpart)[]
        {
            (AuthorizationField, settings.AuthorizationUrl, discovered.AuthorizationEndpoint),
            (TokenField, settings.TokenUrl, discovered.TokenEndpoint),
            (RevocationField, settings.RevocationEndpoint, discovered.RevocationEndpoint ?? discovered.TokenEndpoint),
        };
        if (discovered.FromMetadata)
        {
            // The issuer's metadata is the source: each endpoint configured by hand must be on the origin of the one it replaces.
            foreach (var (field, url, counterpart) in configured)
            {
                if (url is not null && !SameOrigin(url, counterpart))
                {
                    return Mismatch(field, $"{field} ({Origin(url)}) is not on the origin of the endpoint the authorization server {discovered.Issuer} publishes ({Origin(counterpart)})");
                }
            }
        }
        else
        {
            // No metadata: the endpoints configured by hand are the source, on one origin; nothing discovered is mixed in.
            var origin = Origin(settings.AuthorizationUrl ?? settings.TokenUrl);
            foreach (var (field, url, _) in configured)
            {
                if (url is not null && Origin(url) != origin)
                {
                    return Mismatch(field, $"{field} ({Origin(url)}) is not on the origin of the other configured endpoints ({origin}), and no authorization server metadata reconciles them");
                }
            }

            if (settings.AuthorizationUrl is null || settings.TokenUrl is null)
            {
                var field = settings.AuthorizationUrl is null ? TokenField : AuthorizationField;
                return Mismatch(field, $"{field} is configured without its counterpart and the authorization server publishes no metadata");
            }

            discovered = discovered with
            {
                RegistrationEndpoint = discovered.RegistrationEndpoint is { } registration && Origin(registration) == origin ? registration : null,
                RevocationEndpoint = null,
            };
        }

        return discovered with
        {
            AuthorizationEndpoint = settings.AuthorizationUrl ?? discovered.AuthorizationEndpoint,
            TokenEndpoint = settings.TokenUrl ?? discovered.TokenEndpoint,
            RevocationEndpoint = settings.RevocationEndpoint ?? discovered.RevocationEndpoint,
        };
    }

    private static Error Mismatch(string field, string message) =>
        new(ErrorKind.Conflict, Connections.WireCodes.OAuthConfigurationMismatch, message, Errors: [new FieldError(field, message, "endpoint_mismatch")]);

    private static bool SameOrigin(string a, string? b) => b is not null && Origin(a) == Origin(b);

    private static string? Origin(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant() : null;
}
