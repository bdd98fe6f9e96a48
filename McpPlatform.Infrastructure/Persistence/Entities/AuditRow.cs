namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>An audit log entry (<c>audit_log</c>), written in the transaction of the change it records.</summary>
public sealed class AuditRow
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string ActorId { get; set; }
    public required string Action { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public string? Details { get; set; }
}
