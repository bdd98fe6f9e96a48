using McpPlatform.Api.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.Authentication;

/// <summary>Bearer authentication from the <c>Auth</c> section, the role-permission policies, and ProblemDetails for
/// refusals.</summary>
public static class AuthenticationSetup
{
    public static IServiceCollection AddPlatformAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.Section))
            // Whitespace is no authority (environment files leave such values behind).
            .PostConfigure(auth => auth.Authority = string.IsNullOrWhiteSpace(auth.Authority) ? null : auth.Authority)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.ConfigureOptions<ConfigureJwtBearer>();

        services.AddAuthorization(McpPolicies.Register);
        services.AddScoped<IAuthorizationHandler, McpPermissionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }
}
