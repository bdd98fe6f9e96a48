using System.Text.Json;

namespace McpPlatform.Domain.Connections;

/// <summary>An MCP <c>CallToolResult</c> as JSON (content, structuredContent, isError), passed through as the server sent it.</summary>
public sealed record ToolCallResult(JsonElement Result, bool IsError);
