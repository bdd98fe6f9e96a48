using System.Text.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Api.Commands;

/// <summary><c>export-servers</c>: every database server in the official MCP registry <c>server.json</c> shape,
/// without secrets (header names only).</summary>
public sealed class ServerExporter(IServerRepository servers)
{
    public const string RegistrySchema = "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json";

    public async Task<JsonArray> ExportAsync(CancellationToken ct)
    {
        var exported = new JsonArray();
        foreach (var server in await servers.ListAllAsync(ct))
        {
            var config = server.Config;
            var remote = new JsonObject
            {
                ["type"] = config.Transport == TransportKind.Sse ? "sse" : "streamable-http",
                ["url"] = config.Url,
            };
            if (config.Headers is { Count: > 0 } headers)
            {
                // Names only: values are secrets (or a user's own placeholders).
                remote["headers"] = new JsonArray([.. headers.Keys.Select(h => (JsonNode)new JsonObject { ["name"] = h, ["isRequired"] = true, ["isSecret"] = true })]);
            }

            exported.Add(new JsonObject
            {
                ["$schema"] = RegistrySchema,
                ["name"] = $"local.mcp-platform/{server.Name}",
                ["title"] = config.Title,
                ["description"] = config.Description ?? config.Title ?? server.Name,
                ["version"] = "1.0.0",
                ["remotes"] = new JsonArray(remote),
            });
        }

        return exported;
    }

    public static string ToJson(JsonArray servers) => servers.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
