using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// Which of a server's own stored secrets (client secret, header values) a PATCH keeps. Secrets are write-only, so
/// clients send them back masked or not at all; a secret is only carried over while the server's
/// <see cref="CredentialBinding"/> is unchanged — an editor must not be able to redirect a stored secret to a host of
/// their choosing.
/// </summary>
public static class SecretBinding
{
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
                    errors.Add(new FieldError($"headers.{name}", "Enter this header's value again: where the server's credentials are sent changed", "secret_required"));
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
}
