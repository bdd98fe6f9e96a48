using System.Text.Json.Nodes;
using McpPlatform.Api.Features.Connections;
using McpPlatform.Api.Features.Servers;
using McpPlatform.Api.Features.Sharing;
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
            nameof(ServerConfigRequest) => JsonNode.Parse("""
                {"config":{"type":"streamable-http","url":"https://mcp.example.com/mcp","title":"My Server","description":"Tools for my team",
                 "headers":{"X-Api-Key":"{{API_KEY}}"},"customUserVars":{"API_KEY":{"title":"API key","description":"Your key for this server"}}}}
                """),
            nameof(UpdatePermissionsRequest) => JsonNode.Parse("""
                {"updated":[{"type":"user","id":"bob","accessRoleId":"mcpServer_viewer"}],"removed":[],"public":false}
                """),
            nameof(ToolCallRequest) => JsonNode.Parse("""
                {"arguments":{"message":"Hello"}}
                """),
            nameof(UserPluginsRequest) => JsonNode.Parse("""
                {"pluginKey":"mcp_bob-tools","action":"install","auth":{"API_KEY":"my-key"}}
                """),
            _ => concrete.Example,
        };
    }
}
