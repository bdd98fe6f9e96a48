using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// Which stored secrets a PATCH keeps. Secrets are write-only, so clients send them back masked or not at all; a
/// secret is only carried over while the server still points where it pointed when the secret was entered — an
/// editor must not be able to redirect a stored secret to a host of their choosing.
/// </summary>
public static class SecretBinding
{
    public static bool Changed(McpServerConfig stored, McpServerConfig requested) =>
        !SameUrl(stored.Url, requested.Url)
        || !SameUrl(stored.OAuth?.AuthorizationUrl, requested.OAuth?.AuthorizationUrl)
        || !SameUrl(stored.OAuth?.TokenUrl, requested.OAuth?.TokenUrl)
        || !SameUrl(stored.OAuth?.RevocationEndpoint, requested.OAuth?.RevocationEndpoint)
        || !string.Equals(stored.OAuth?.ClientId, requested.OAuth?.ClientId, StringComparison.Ordinal);

    /// <summary>Fills an omitted client secret and masked header values from the stored config. After a binding
    /// change the omitted client secret is dropped, and a masked header is refused (it must be entered again).</summary>
    public static Result<McpServerConfig> CarryOverSecrets(McpServerConfig stored, McpServerConfig requested, bool bindingChanged)
    {
        var oauth = requested.OAuth;
        if (oauth is not null && oauth.ClientSecret is null && !bindingChanged && stored.OAuth?.ClientSecret is { } keptSecret)
        {
            oauth = oauth with { ClientSecret = keptSecret };
        }

        Dictionary<string, string>? headers = null;
        var errors = new List<FieldError>();
        if (requested.Headers is not null)
        {
            headers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in requested.Headers)
            {
                if (value != McpServerConfig.MaskedValue)
                {
                    headers[name] = value;
                }
                else if (bindingChanged)
                {
                    errors.Add(new FieldError($"headers.{name}", "Enter this header's value again: the server's address changed", "secret_required"));
                }
                else if (stored.Headers?.TryGetValue(name, out var storedValue) == true)
                {
                    headers[name] = storedValue;
                }
                else
                {
                    errors.Add(new FieldError($"headers.{name}", "No stored value to keep for this header; send its value", "secret_required"));
                }
            }
        }

        if (errors.Count > 0)
        {
            return Error.InvalidConfiguration([.. errors]);
        }

        return requested with { OAuth = oauth, Headers = headers };
    }

    private static bool SameUrl(string? a, string? b) => string.Equals(a?.TrimEnd('/'), b?.TrimEnd('/'), StringComparison.Ordinal);
}
