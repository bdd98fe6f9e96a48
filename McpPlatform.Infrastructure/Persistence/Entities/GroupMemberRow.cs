namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>A user's membership of a group, as their token last listed it (<c>group_members</c>).</summary>
public sealed class GroupMemberRow
{
    public required string GroupId { get; set; }
    public required string UserId { get; set; }
}
