using McpPlatform.Domain.OAuth;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.Configuration;

/// <summary>The <c>OAuth</c> section's rules. <see cref="OAuthOptions"/> is bound by the Infrastructure as a plain
/// singleton, so <see cref="ConfigurationCheck"/> applies this validator to it when the application is built.</summary>
public sealed class OAuthOptionsValidator : IValidateOptions<OAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, OAuthOptions options)
    {
        var failures = new List<string>();
        if (options.FlowTtl <= TimeSpan.Zero)
        {
            failures.Add("OAuth:FlowTtl must be positive.");
        }

        if (options.RefreshMargin < TimeSpan.Zero)
        {
            failures.Add("OAuth:RefreshMargin must not be negative.");
        }

        if (options.MaxStepUpAttempts < 0)
        {
            failures.Add("OAuth:MaxStepUpAttempts must not be negative.");
        }

        if (options.BindingCookieSameSite is { } sameSite && !sameSite.Equals("Lax", StringComparison.OrdinalIgnoreCase) && !sameSite.Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"OAuth:BindingCookieSameSite must be Lax or None, not '{sameSite}'.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
