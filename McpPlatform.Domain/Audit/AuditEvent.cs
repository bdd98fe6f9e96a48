namespace McpPlatform.Domain.Audit;

/// <summary>One audited change: who did what to which resource. The repository that writes the change writes its
/// record in the same transaction, so a change is never committed without it, nor recorded without being committed.</summary>
public sealed record AuditEvent(string ActorId, string Action, string ResourceType, string ResourceId, IReadOnlyDictionary<string, string?>? Details = null);
