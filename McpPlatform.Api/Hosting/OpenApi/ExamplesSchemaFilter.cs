using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace McpPlatform.Api.Hosting.OpenApi;

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
