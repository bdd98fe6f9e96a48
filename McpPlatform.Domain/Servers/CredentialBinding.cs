using System.Security.Cryptography;
using System.Text.Json;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// A fingerprint of everything in a server's configuration that decides where its credentials are sent: the URL,
/// the header templates that carry <c>{{VAR}}</c> placeholders (and, for app-level stdio servers, the command and the
/// environment templates), the OAuth endpoints, the client id and the token endpoint auth methods. Every stored
/// credential (a user's tokens and variables, a client registration) is bound to the fingerprint it was entered
/// under; a credential whose fingerprint is not the server's current one is never used, so a secret goes only
/// where its owner saw it going. Titles, descriptions, icons, scopes and literal header values do not move a
/// credential anywhere and are left out, so editing them keeps everyone's credentials.
/// </summary>
public static class CredentialBinding
{
    public static string Of(McpServerConfig config)
    {
        var oauth = config.OAuth;
        string?[] parts =
        [
            "v1",
            Url(config.Url),
            Templates(config.Headers),
            config.Command,
            config.Args is null ? null : string.Join('\u001f', config.Args),
            Templates(config.Env),
            Templates(config.OAuthHeaders),
            Url(oauth?.AuthorizationUrl),
            Url(oauth?.TokenUrl),
            Url(oauth?.RevocationEndpoint),
            oauth?.ClientId,
            oauth?.TokenExchangeMethod,
            oauth?.TokenEndpointAuthMethodsSupported is { } methods ? string.Join(' ', methods) : null,
        ];
        var hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(parts));
        return Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>A trailing slash does not change where a request goes.</summary>
    private static string? Url(string? url) => url?.TrimEnd('/');

    /// <summary>The entries whose value carries a placeholder, by name (case-insensitive, as HTTP treats header names):
    /// that is where a user's variable goes. A literal value is the server's own secret, sent to the URL, so adding,
    /// removing or changing one moves no credential.</summary>
    private static string Templates(IReadOnlyDictionary<string, string>? values) => string.Join('\u001e', (values ?? new Dictionary<string, string>())
        .Where(kv => kv.Value.Contains("{{", StringComparison.Ordinal))
        .Select(kv => kv.Key.ToLowerInvariant() + "\u001f" + kv.Value)
        .Order(StringComparer.Ordinal));
}
