using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Sharing;

/// <summary>What the people picker found, with the query, limit and types it searched.</summary>
public sealed record PrincipalSearchResult(string Query, int Limit, IReadOnlyList<string> Types, IReadOnlyList<PrincipalInfo> Results);
