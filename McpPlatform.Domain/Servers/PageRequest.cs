using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Servers;

/// <summary>The paged list's query, checked: page size, the name after which it starts (from the cursor) and the
/// trimmed search term.</summary>
public sealed record PageRequest(int Size, string? After, string? Term)
{
    public static Result<PageRequest> Parse(int? limit, string? cursor, string? search, int defaultSize, int maxSize)
    {
        var errors = new List<FieldError>();
        var size = limit ?? defaultSize;
        if (size < 1 || size > maxSize)
        {
            errors.Add(new FieldError("limit", $"limit must be between 1 and {maxSize}", "out_of_range"));
        }

        string? after = null;
        if (cursor is not null && !PageCursor.TryDecode(cursor, out after))
        {
            errors.Add(new FieldError("cursor", "cursor is not a cursor this API returned", "invalid_cursor"));
        }

        var term = search?.Trim();
        if (term is not null && term.Length < 2)
        {
            errors.Add(new FieldError("search", "search must be at least 2 characters long", "too_short"));
        }
        else if (term is { Length: > 100 })
        {
            errors.Add(new FieldError("search", "search must be at most 100 characters long", "too_long"));
        }

        return errors.Count > 0 ? Error.Validation("Invalid query", errors) : new PageRequest(size, after, term);
    }
}
