using Microsoft.Extensions.Options;

namespace McpPlatform.Infrastructure.Caching;

/// <summary>Refuses a cache too small to hold one server list (named by its key).</summary>
public sealed class RegistryCacheOptionsValidator : IValidateOptions<RegistryCacheOptions>
{
    public const long MinCacheBytes = 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, RegistryCacheOptions options) =>
        options.CacheBytes >= MinCacheBytes
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{RegistryCacheOptions.Section}:{nameof(options.CacheBytes)} must be at least {MinCacheBytes} (1 MiB), not {options.CacheBytes}.");
}
