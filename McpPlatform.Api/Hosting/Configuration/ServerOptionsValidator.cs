using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.Configuration;

/// <summary><c>Server:PublicBaseUrl</c> is an absolute URL.</summary>
public sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options) =>
        Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Server:PublicBaseUrl '{options.PublicBaseUrl}' is not an absolute URL.");
}
