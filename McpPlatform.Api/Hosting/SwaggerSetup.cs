using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace McpPlatform.Api.Hosting;

public static class SwaggerSetup
{
    public static IServiceCollection AddPlatformSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
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
                options.IncludeXmlComments(xml);
            }

            options.SchemaFilter<ExamplesSchemaFilter>();
            options.CustomSchemaIds(type => type.Name);
        });
        return services;
    }
}

/// <summary>Request examples for the bodies people type into Swagger UI.</summary>
public sealed class ExamplesSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return;
        }

        concrete.Example = context.Type.Name switch
        {
            "ServerConfigRequest" => System.Text.Json.Nodes.JsonNode.Parse("""
                {"config":{"type":"streamable-http","url":"https://mcp.example.com/mcp","title":"My Server","description":"Tools for my team",
                 "headers":{"X-Api-Key":"{{API_KEY}}"},"customUserVars":{"API_KEY":{"title":"API key","description":"Your key for this server"}}}}
                """),
            "UpdatePermissionsRequest" => System.Text.Json.Nodes.JsonNode.Parse("""
                {"updated":[{"type":"user","id":"bob","accessRoleId":"mcpServer_viewer"}],"removed":[],"public":false}
                """),
            _ => concrete.Example,
        };
    }
}
