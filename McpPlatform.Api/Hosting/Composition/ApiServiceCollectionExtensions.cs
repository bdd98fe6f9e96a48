using FluentValidation;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Features.Audit;
using McpPlatform.Api.Features.Connections;
using McpPlatform.Api.Features.OAuth;
using McpPlatform.Api.Features.Servers;
using McpPlatform.Api.Hosting.Authentication;
using McpPlatform.Api.Hosting.Configuration;
using McpPlatform.Api.Hosting.Cors;
using McpPlatform.Api.Hosting.Database;
using McpPlatform.Api.Hosting.Health;
using McpPlatform.Api.Hosting.Logging;
using McpPlatform.Api.Hosting.OpenApi;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Api.Validation;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.Composition;

/// <summary>The Api's own services: its options, the cross-cutting setup (authentication, rate limits, CORS, health,
/// OpenAPI, errors, validation), MVC, and the features' application services.</summary>
public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddLogRedaction();
        services.AddOptions<ServerOptions>().Bind(configuration.GetSection(ServerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.AddPlatformDatabaseStartup(configuration, environment);
        services.AddPlatformAuthentication(configuration);
        services.AddPlatformRateLimits(configuration);
        services.AddPlatformCors(configuration);
        services.AddPlatformHealthChecks();
        services.AddPlatformSwagger();

        services.AddExceptionHandler<UnhandledExceptionHandler>();
        services.AddProblemDetails();
        services.AddValidatorsFromAssemblyContaining<ServerConfigRequestValidator>(ServiceLifetime.Singleton);
        services.AddSingleton<ValidationFilter>();
        services.AddControllers(mvc =>
            {
                mvc.Filters.AddService<ValidationFilter>();
                // Every answer is JSON (or a page the OAuth controllers write themselves): Swagger UI then offers
                // application/json rather than text/plain first.
                mvc.OutputFormatters.RemoveType<StringOutputFormatter>();
                mvc.OutputFormatters.OfType<SystemTextJsonOutputFormatter>().Single().SupportedMediaTypes.Remove("text/json");
            })
            .AddJsonOptions(json => json.JsonSerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)
            .ConfigureApiBehaviorOptions(api => api.InvalidModelStateResponseFactory = ValidationFilter.InvalidModelState);

        services.AddSingleton<ToolCatalogResponses>();
        services.AddSingleton<Features.Servers.ServerMapResponses>();
        services.AddSingleton<Features.Connections.ConnectionStatusResponses>();
        services.AddScoped<OAuthApplicationService>();
        services.AddScoped<AuditLogPages>();
        services.AddScoped<Commands.ServerImporter>();
        services.AddScoped<Commands.ServerExporter>();
        return services;
    }
}
