namespace McpPlatform.Domain.Servers;

/// <summary>A user-managed server as stored. <see cref="Config"/> holds its secrets in plain text in memory only;
/// the repository encrypts them at rest.</summary>
public sealed record McpServer(
    Guid Id,
    string Name,
    McpServerConfig Config,
    string AuthorId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);
