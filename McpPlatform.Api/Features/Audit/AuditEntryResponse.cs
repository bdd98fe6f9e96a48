namespace McpPlatform.Api.Features.Audit;

/// <summary>One audited change: who (<c>actorId</c>) did what (<c>action</c>, e.g. <c>server.updated</c>) to which
/// resource, when, with the change's details.</summary>
public sealed record AuditEntryResponse(long Id, DateTimeOffset At, string ActorId, string Action, string ResourceType, string ResourceId, IReadOnlyDictionary<string, string?>? Details);
