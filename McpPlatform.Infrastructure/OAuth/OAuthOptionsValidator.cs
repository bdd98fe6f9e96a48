using McpPlatform.Domain.OAuth;
using Microsoft.Extensions.Options;

namespace McpPlatform.Infrastructure.OAuth;

/// <summary>Every <see cref="OAuthOptions"/> value that would make flows misbehave, named by its configuration key
/// (the base URLs come from <c>Server:PublicBaseUrl</c> and <c>Client:BaseUrl</c>).</summary>
public sealed class OAuthOptionsValidator : IValidateOptions<OAuthOptions>
{
    public const string Section = "OAuth";
    public const string PublicBaseUrlKey = "Server:PublicBaseUrl";
    public const string ClientBaseUrlKey = "Client:BaseUrl";

    public ValidateOptionsResult Validate(string? name, OAuthOptions options)
    {
        var problems = new List<string>();
        if (options.FlowTtl <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(options.FlowTtl)} must be a positive duration (hh:mm:ss), not {options.FlowTtl}.");
        }

        if (options.RefreshMargin < TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(options.RefreshMargin)} must not be negative, not {options.RefreshMargin}.");
        }

        if (options.MaxStepUpAttempts < 0)
        {
            problems.Add($"{Section}:{nameof(options.MaxStepUpAttempts)} must not be negative, not {options.MaxStepUpAttempts}.");
        }

        if (options.DiscoveryCacheTtl < TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(options.DiscoveryCacheTtl)} must not be negative, not {options.DiscoveryCacheTtl}.");
        }

        if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out _))
        {
            problems.Add($"{PublicBaseUrlKey} '{options.PublicBaseUrl}' is not an absolute URL.");
        }

        if (options.BindingCookieSameSite is { } sameSite && !sameSite.Equals("Lax", StringComparison.OrdinalIgnoreCase) && !sameSite.Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{Section}:{nameof(options.BindingCookieSameSite)} must be Lax or None, not '{sameSite}'.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
