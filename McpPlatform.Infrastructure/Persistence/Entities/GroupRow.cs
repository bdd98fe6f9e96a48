namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>A group first seen in a token (<c>groups</c>).</summary>
public sealed class GroupRow
{
    public required string Id { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
}
