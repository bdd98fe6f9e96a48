using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace McpPlatform.Api.Hosting.Authentication;

/// <summary>The bearer scheme from the validated <see cref="AuthOptions"/>: HS256 tokens under the configured key, or an
/// OIDC authority's. A token must name its user (<c>sub</c>); a missing or invalid one is a 401 ProblemDetails.</summary>
public sealed class ConfigureJwtBearer(IOptions<AuthOptions> auth) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var settings = auth.Value;
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = "sub",
            RoleClaimType = "role",
            ValidAlgorithms = settings.Authority is null ? [SecurityAlgorithms.HmacSha256] : null,
        };
        if (settings.Authority is { } authority)
        {
            options.Authority = authority;
            options.Audience = settings.Audience ?? settings.Jwt.Audience;
            options.TokenValidationParameters.ValidAudience = settings.Audience ?? settings.Jwt.Audience;
        }
        else
        {
            // The validator has made sure there is a key of sufficient length.
            options.TokenValidationParameters.ValidIssuer = settings.Jwt.Issuer;
            options.TokenValidationParameters.ValidAudience = settings.Jwt.Audience;
            options.TokenValidationParameters.IssuerSigningKey = TokenIssuer.SigningKey(settings.Jwt.SigningKey!);
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
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}
