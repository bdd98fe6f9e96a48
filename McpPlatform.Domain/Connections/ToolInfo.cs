using System.Text.Json;

namespace McpPlatform.Domain.Connections;

/// <summary>A tool as the server describes it.</summary>
public sealed record ToolInfo(string Name, string? Description, JsonElement? InputSchema);
