using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace McpPlatform.Api.Hosting.OpenApi;

/// <summary>The OpenAPI document Swagger UI shows: the API's description, bearer authorization, the XML summaries of the
/// controllers and contracts, and examples of the bodies people type in.</summary>
public sealed class ConfigureSwaggerGen : IConfigureOptions<SwaggerGenOptions>
{
    public void Configure(SwaggerGenOptions options)
    {
        options.SwaggerDoc("v1", new OpenApiInfo
        {
            Title = "McpPlatform API",
            Version = "v1",
            Description = "Register, share, authorize and connect to MCP servers. Authorize with a development token: " +
                          "`dotnet run --project McpPlatform.Api -- token --sub alice --role ADMIN`.",
        });
        options.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT with `sub`, `role` (USER or ADMIN) and optional `groups`.",
        });
        options.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        var xml = Path.Combine(AppContext.BaseDirectory, "McpPlatform.Api.xml");
        if (File.Exists(xml))
        {
            // With the controllers' summaries, which Swagger UI shows as the descriptions of their groups.
            options.IncludeXmlComments(xml, includeControllerXmlComments: true);
        }

        options.SchemaFilter<ExamplesSchemaFilter>();
        options.CustomSchemaIds(type => type.Name);
    }
}
