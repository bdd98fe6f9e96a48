namespace McpPlatform.Api.Features.Connections;

/// <summary>The tool catalogue: every server the caller can use, by name.</summary>
public sealed record ToolsResponse(IReadOnlyDictionary<string, ServerToolsResponse> Servers);
