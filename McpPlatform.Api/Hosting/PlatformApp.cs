using FluentValidation;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Features.Connections;
using McpPlatform.Api.Features.Servers;
using McpPlatform.Api.Validation;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using McpPlatform.Domain.Sharing;
using McpPlatform.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace McpPlatform.Api.Hosting;

/// <summary>Builds the web application: configuration, services, middleware and endpoints, in one readable place.</summary>
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
            DevelopmentSecrets.RequireProductionSecrets(builder.Configuration);
        }

        return builder;
    }

    /// <summary>
    /// Reads every option once before serving, so a value that cannot be bound (the binder names the key) or is out of
    /// range stops start-up with the key's name instead of failing the first request that needs it.
    /// </summary>
    private static void ValidateConfiguration(IServiceProvider services)
    {
        var problems = new List<string>();
        problems.AddRange(services.GetRequiredService<ConnectionOptions>().Problems());
        var oauth = services.GetRequiredService<OAuthOptions>();
        if (oauth.FlowTtl <= TimeSpan.Zero || oauth.RefreshMargin < TimeSpan.Zero || oauth.MaxStepUpAttempts < 0)
        {
            problems.Add("OAuth:FlowTtl must be positive, OAuth:RefreshMargin and OAuth:MaxStepUpAttempts not negative.");
        }

        if (!Uri.TryCreate(oauth.PublicBaseUrl, UriKind.Absolute, out _))
        {
            problems.Add($"Server:PublicBaseUrl '{oauth.PublicBaseUrl}' is not an absolute URL.");
        }

        if (oauth.BindingCookieSameSite is { } sameSite && !sameSite.Equals("Lax", StringComparison.OrdinalIgnoreCase) && !sameSite.Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"OAuth:BindingCookieSameSite must be Lax or None, not '{sameSite}'.");
        }

        problems.AddRange(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value.Problems());

        _ = services.GetRequiredService<Domain.Servers.IAppServerCatalog>();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", problems));
        }
    }

    public static WebApplication Build(WebApplicationBuilder builder, PlatformExtensions? extensions = null)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        var telemetry = TelemetrySetup.Read(configuration, builder.Environment);
        builder.AddPlatformTelemetry(telemetry);
        services.AddLogRedaction();

        services.AddInfrastructure(configuration, builder.Environment);
        extensions?.Services?.Invoke(services, configuration);
        services.AddSingleton<RegistrySnapshots>();
        services.AddScoped<ServerRegistryService>();
        services.AddScoped<RoleService>();
        services.AddScoped<SharingService>();
        services.AddScoped<PrincipalSearchService>();
        services.AddScoped<McpConnectionService>();
        services.AddScoped<ToolCatalogService>();
        services.AddSingleton<ToolCatalogResponses>();
        services.AddScoped<Features.OAuth.OAuthApplicationService>();
        services.AddScoped<Features.Audit.AuditLogPages>();
        services.AddScoped<CredentialService>();
        services.AddScoped<OAuthService>();
        services.AddScoped<AccessTokenService>();
        services.AddScoped<DatabaseStartup>();
        services.AddScoped<Commands.ServerImportExport>();

        services.AddPlatformAuthentication(configuration);
        services.AddPlatformRateLimits(configuration);
        services.AddPlatformHealthChecks();
        services.AddPlatformSwagger();
        services.AddValidatorsFromAssemblyContaining<ServerConfigRequestValidator>(ServiceLifetime.Singleton);
        services.AddSingleton<ValidationFilter>();
        services.AddExceptionHandler<UnhandledExceptionHandler>();
        services.AddProblemDetails();
        services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (Uri.TryCreate(configuration["Client:BaseUrl"], UriKind.Absolute, out var client))
            {
                // With credentials: an SPA on another origin sends and keeps the OAuth binding cookie (oauth/bind).
                policy.WithOrigins(client.GetLeftPart(UriPartial.Authority)).AllowAnyHeader().AllowAnyMethod().AllowCredentials().WithExposedHeaders("ETag", "Retry-After");
            }
        }));
        services.AddControllers(mvc =>
            {
                mvc.Filters.AddService<ValidationFilter>();
                // Every answer is JSON (or a page the OAuth controllers write themselves): Swagger UI then offers
                // application/json rather than text/plain first.
                mvc.OutputFormatters.RemoveType<Microsoft.AspNetCore.Mvc.Formatters.StringOutputFormatter>();
                mvc.OutputFormatters.OfType<Microsoft.AspNetCore.Mvc.Formatters.SystemTextJsonOutputFormatter>().Single().SupportedMediaTypes.Remove("text/json");
            })
            .AddJsonOptions(json => json.JsonSerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)
            .ConfigureApiBehaviorOptions(api => api.InvalidModelStateResponseFactory = ValidationFilter.InvalidModelState);

        var app = builder.Build();
        ValidateConfiguration(app.Services);
        extensions?.FirstMiddleware?.Invoke(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            // Unmatched routes and methods answer with ProblemDetails too.
            var response = context.HttpContext.Response;
            if (!response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
            {
                await Problems.DescribeStatusAsync(context.HttpContext, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(response.StatusCode));
            }
        });
        app.UseSwagger();
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/swagger/v1/swagger.json", "McpPlatform v1");
            ui.EnablePersistAuthorization();
        });
        app.UseCors();
        app.UseAuthentication();
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
