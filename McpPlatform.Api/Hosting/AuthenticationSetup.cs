using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;

namespace McpPlatform.Api.Hosting;

public static class AuthenticationSetup
{
    public static IServiceCollection AddPlatformAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (string.IsNullOrWhiteSpace(auth.Authority))
        {
            auth.Authority = null;
        }
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
                RoleClaimType = "role",
                ValidAlgorithms = auth.Authority is null ? [SecurityAlgorithms.HmacSha256] : null,
            };
            if (auth.Authority is { Length: > 0 } authority)
            {
                options.Authority = authority;
                options.Audience = auth.Audience ?? auth.Jwt.Audience;
                options.TokenValidationParameters.ValidAudience = auth.Audience ?? auth.Jwt.Audience;
            }
            else
            {
                var key = auth.Jwt.SigningKey ?? throw new InvalidOperationException("Auth:Jwt:SigningKey is required when Auth:Authority is not set.");
                if (System.Text.Encoding.UTF8.GetByteCount(key) < 32)
                {
                    throw new InvalidOperationException("Auth:Jwt:SigningKey must be at least 32 bytes.");
                }

                options.TokenValidationParameters.ValidIssuer = auth.Jwt.Issuer;
                options.TokenValidationParameters.ValidAudience = auth.Jwt.Audience;
                options.TokenValidationParameters.IssuerSigningKey = TokenIssuer.SigningKey(key);
            }

            options.Events = new JwtBearerEvents
            {
                // A token must name its user: a signed token without a usable `sub` is as good as none.
                OnTokenValidated = context =>
                {
                    if (context.Principal is null || context.HttpContext.ReadCaller(context.Principal) is null)
                    {
                        context.Fail("The token has no subject (sub).");
                    }

                    return Task.CompletedTask;
                },
                // A missing or invalid token is a 401 ProblemDetails (LibreChat answered plain text).
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    await Problems.WriteAsync(context.HttpContext, ProblemAuthorizationResultHandler.Unauthenticated);
                },
            };
        });

        services.AddAuthorization(McpPolicies.Register);
        services.AddScoped<IAuthorizationHandler, McpPermissionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }
}
