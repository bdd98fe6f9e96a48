using McpPlatform.Api.Auth;
using McpPlatform.Api.Hosting.Cors;
using McpPlatform.Api.Hosting.Database;
using McpPlatform.Api.Hosting.Observability;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.Configuration;

/// <summary>
/// Reads the options once when the application is built, so that a value that cannot be bound (the binder names the
/// key) or breaks a rule (the validator names it) stops start-up before anything is served. <c>ValidateOnStart</c>
/// alone runs only when the host starts, and the admin commands build the application without starting it.
/// </summary>
public static class ConfigurationCheck
{
    public static void Run(IServiceProvider services)
    {
        var failures = new List<string>();
        Read<AuthOptions>(services, failures);
        Read<ServerOptions>(services, failures);
        Read<ClientOptions>(services, failures);
        Read<DatabaseOptions>(services, failures);
        Read<RateLimitOptions>(services, failures);
        Read<TelemetryOptions>(services, failures);

        // The connection and OAuth options are bound and validated by the Infrastructure (validators naming the key).
        Read<ConnectionOptions>(services, failures);
        Read<OAuthOptions>(services, failures);
        Read<McpPlatform.Infrastructure.Redis.RedisOptions>(services, failures);

        // Loads the app-level servers: a missing or malformed Mcp:ServersFile, or a field of the wrong type, fails here.
        _ = services.GetRequiredService<IAppServerCatalog>();
        if (failures.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", failures));
        }
    }

    private static void Read<TOptions>(IServiceProvider services, List<string> failures)
        where TOptions : class
    {
        try
        {
            _ = services.GetRequiredService<IOptions<TOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            failures.AddRange(e.Failures);
        }
    }
}
