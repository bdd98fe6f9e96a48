using System.Text;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Auth;

/// <summary>The <c>Auth</c> section: a signing key of at least 32 bytes, unless an OIDC authority signs callers' tokens.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int MinSigningKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (options.Authority is not null)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrEmpty(options.Jwt.SigningKey))
        {
            return ValidateOptionsResult.Fail("Auth:Jwt:SigningKey is required when Auth:Authority is not set.");
        }

        return Encoding.UTF8.GetByteCount(options.Jwt.SigningKey) < MinSigningKeyBytes
            ? ValidateOptionsResult.Fail($"Auth:Jwt:SigningKey must be at least {MinSigningKeyBytes} bytes.")
            : ValidateOptionsResult.Success;
    }
}
