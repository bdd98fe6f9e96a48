namespace McpPlatform.Api.Features.Audit;

/// <summary>A page of the audit log, newest first; pass <c>nextCursor</c> back for the next page (absent on the last).</summary>
public sealed record AuditPageResponse(IReadOnlyList<AuditEntryResponse> Entries, string? NextCursor);
