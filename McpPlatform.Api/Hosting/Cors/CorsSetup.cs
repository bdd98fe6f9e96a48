using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.Cors;

/// <summary>CORS for the web client of the <c>Client</c> section, and nobody else.</summary>
public static class CorsSetup
{
    public static IServiceCollection AddPlatformCors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClientOptions>().Bind(configuration.GetSection(ClientOptions.Section)).ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<ClientOptions>>((cors, client) => cors.AddDefaultPolicy(policy =>
        {
            if (Uri.TryCreate(client.Value.BaseUrl, UriKind.Absolute, out var origin))
            {
                // With credentials: an SPA on another origin sends and keeps the OAuth binding cookie (oauth/bind).
                policy.WithOrigins(origin.GetLeftPart(UriPartial.Authority)).AllowAnyHeader().AllowAnyMethod().AllowCredentials().WithExposedHeaders("ETag", "Retry-After");
            }
        }));
        return services;
    }
}
