using System.Globalization;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;

namespace McpPlatform.Api.Features.Audit;

/// <summary>Pages through the audit log, newest first: checks the page size and the cursor (an entry id this API
/// returned), and reads one entry more than asked for to know whether another page follows.</summary>
public sealed class AuditLogPages(IAuditLog audit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public async Task<Result<AuditPage>> ReadAsync(string? resource, string? actor, string? cursor, int? limit, CancellationToken ct)
    {
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            return InvalidQuery("limit");
        }

        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, null, out var id))
            {
                return InvalidQuery("cursor");
            }

            before = id;
        }

        var entries = await audit.ReadAsync(resource, actor, before, size + 1, ct);
        var page = entries.Take(size).ToList();
        return new AuditPage(page, entries.Count > size ? page[^1].Id.ToString(CultureInfo.InvariantCulture) : null);
    }

    private static Error InvalidQuery(string field) =>
        Error.Validation("Invalid query", [new FieldError(field, $"limit must be 1–{MaxLimit} and cursor one this API returned", "invalid")]);
}
