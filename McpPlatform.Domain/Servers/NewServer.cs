namespace McpPlatform.Domain.Servers;

/// <summary>What the repository needs to create a server; the name is chosen inside its transaction.</summary>
public sealed record NewServer(McpServerConfig Config, string AuthorId, string? BaseSlug);
