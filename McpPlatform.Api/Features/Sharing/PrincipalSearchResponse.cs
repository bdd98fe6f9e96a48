namespace McpPlatform.Api.Features.Sharing;

/// <summary>LibreChat's people-picker answer.</summary>
public sealed record PrincipalSearchResponse(string Query, int Limit, IReadOnlyList<string> Types, IReadOnlyList<PrincipalResponse> Results, int Count, PrincipalSearchSources Sources);
