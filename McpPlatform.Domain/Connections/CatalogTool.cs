namespace McpPlatform.Domain.Connections;

/// <summary>A tool in the catalogue, under its LibreChat plugin key (<c>&lt;tool&gt;_mcp_&lt;server&gt;</c>).</summary>
public sealed record CatalogTool(string Name, string PluginKey, string Description, System.Text.Json.JsonElement? InputSchema);
