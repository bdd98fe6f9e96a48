namespace McpPlatform.Domain.Audit;

/// <summary>An audit log entry as stored: the event, its id (the keyset cursor) and when it was written.</summary>
public sealed record AuditRecord(long Id, DateTimeOffset At, string ActorId, string Action, string ResourceType, string ResourceId, IReadOnlyDictionary<string, string?>? Details);
