using McpPlatform.Domain.Common;
using McpPlatform.Domain.OAuth;

namespace McpPlatform.Domain.Servers;

/// <summary>What a user-managed server's configuration may hold and where it may send requests.</summary>
public sealed class ServerConfigRules(IOutboundUrlPolicy urlPolicy)
{
    /// <summary>User input never carries server-managed keys or stdio members; the validator has refused stdio.</summary>
    public static McpServerConfig UserManaged(McpServerConfig input) => new()
    {
        Type = input.Type,
        Url = input.Url,
        Title = input.Title,
        Description = input.Description,
        IconPath = input.IconPath,
        Headers = input.Headers,
        CustomUserVars = input.CustomUserVars,
        OAuth = input.OAuth,
    };

    /// <summary>Where the config sends requests: every URL passes the outbound address policy; OAuth endpoints are
    /// https (plain http only to a loopback host the policy allows) and come from one source. Null when it may.</summary>
    public async Task<Error?> CheckUrlsAsync(McpServerConfig config, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        foreach (var (path, value, isOAuth) in OutboundUrls(config))
        {
            if (value is null || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
            {
                continue;
            }

            if (await urlPolicy.CheckAsync(uri, ct) is { } reason)
            {
                errors.Add(new FieldError(path, reason, "url_not_allowed"));
            }
            else if (isOAuth && uri.Scheme != Uri.UriSchemeHttps && !urlPolicy.AllowsPlainHttp(uri))
            {
                errors.Add(new FieldError(path, "OAuth endpoints must be https URLs", "https_required"));
            }
        }

        errors.AddRange(OAuthEndpoints.CheckConfigured(config.OAuth));
        return errors.Count == 0 ? null : Error.Validation("Invalid configuration", errors);
    }

    private static IEnumerable<(string Path, string? Url, bool IsOAuth)> OutboundUrls(McpServerConfig config)
    {
        yield return ("url", config.Url, false);
        yield return ("oauth.authorization_url", config.OAuth?.AuthorizationUrl, true);
        yield return ("oauth.token_url", config.OAuth?.TokenUrl, true);
        yield return ("oauth.revocation_endpoint", config.OAuth?.RevocationEndpoint, true);
    }
}
