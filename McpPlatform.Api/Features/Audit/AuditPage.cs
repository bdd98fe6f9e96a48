using McpPlatform.Domain.Audit;

namespace McpPlatform.Api.Features.Audit;

/// <summary>A page of audit records, newest first, and the cursor of the next page (null on the last).</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Entries, string? NextCursor);
