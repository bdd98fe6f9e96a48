using System.Text.Json;

namespace McpPlatform.Api.Features.Connections;

/// <summary>A tool of a server; <c>pluginKey</c> is <c>&lt;tool&gt;_mcp_&lt;server&gt;</c>, as LibreChat names MCP tools.</summary>
public sealed record ToolResponse(string Name, string PluginKey, string Description, JsonElement? InputSchema);
