namespace McpPlatform.Api.Features.Servers;

/// <summary>One page of the server list, ordered by name (the list asked for with <c>limit</c>, <c>cursor</c> or
/// <c>search</c>; LibreChat's SPA asks for the whole map instead). Pass <c>nextCursor</c> back for the next page;
/// absent on the last one.</summary>
public sealed record ServerPageResponse(IReadOnlyList<McpServerResponse> Servers, string? NextCursor);
