namespace McpPlatform.Domain.Servers;

/// <summary>One page of the opt-in paged list.</summary>
public sealed record ServerPage(IReadOnlyList<ServerView> Servers, string? NextCursor);
