using System.Text.Json;

namespace McpPlatform.Api.Features.Connections;

/// <summary>Body of a tool call: the tool's arguments as a JSON object.</summary>
public sealed record ToolCallRequest(JsonElement? Arguments);
