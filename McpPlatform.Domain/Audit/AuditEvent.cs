namespace McpPlatform.Domain.Audit;

/// <summary>One audited change: who did what to which resource, and when.</summary>
public sealed record AuditEvent(string ActorId, string Action, string ResourceType, string ResourceId, IReadOnlyDictionary<string, string?>? Details = null);
