namespace McpPlatform.Api.Features.Connections;

/// <summary>The tool catalogue: every server you can use, by name.</summary>
public sealed record ToolsResponse(IReadOnlyDictionary<string, ServerToolsResponse> Servers);
