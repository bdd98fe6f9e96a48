namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>A user as their token last described them (<c>users</c>).</summary>
public sealed class UserRow
{
    public required string Id { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public required string Role { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}
