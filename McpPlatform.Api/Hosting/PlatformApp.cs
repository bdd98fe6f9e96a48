using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.Composition;
using McpPlatform.Api.Hosting.Configuration;
using McpPlatform.Api.Hosting.Health;
using McpPlatform.Api.Hosting.Observability;
using McpPlatform.Api.Hosting.OpenApi;
using McpPlatform.Api.Validation;
using McpPlatform.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace McpPlatform.Api.Hosting;

/// <summary>The composition root: configuration, the three layers' services, and the middleware and endpoints in
/// their order, in one readable place.</summary>
public static class PlatformApp
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder CreateBuilder(string[] args, Action<string>? announce = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (builder.Environment.IsDevelopment())
        {
            DevelopmentSecrets.AddTo(builder.Configuration, builder.Environment.ContentRootPath, announce ?? Console.WriteLine);
        }
        else
        {
            RequiredSecrets.Check(builder.Configuration);
        }

        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder, PlatformExtensions? extensions = null)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        var telemetry = builder.AddPlatformTelemetry();
        builder.Services.AddInfrastructure(builder.Configuration, builder.Environment);
        extensions?.Services?.Invoke(builder.Services, builder.Configuration);
        builder.Services.AddDomain();
        builder.Services.AddApi(builder.Configuration, builder.Environment);

        var app = builder.Build();
        ConfigurationCheck.Run(app.Services);
        extensions?.FirstMiddleware?.Invoke(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            // Unmatched routes and methods answer with ProblemDetails too.
            var response = context.HttpContext.Response;
            if (!response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
            {
                await Problems.DescribeStatusAsync(context.HttpContext, ReasonPhrases.GetReasonPhrase(response.StatusCode));
            }
        });
        app.UsePlatformSwagger();
        app.UseCors();
        app.UseAuthentication();
        // After authentication (it checks the token's claims) and before the first use of the database.
        app.UseMiddleware<StorableTextMiddleware>();
        app.UseMiddleware<PrincipalRecordingMiddleware>();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapPlatformMetrics(telemetry);
        app.MapControllers();
        app.MapPlatformHealthChecks();
        extensions?.Endpoints?.Invoke(app);
        app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
        return app;
    }
}
