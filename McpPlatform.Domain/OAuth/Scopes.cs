namespace McpPlatform.Domain.OAuth;

/// <summary>Scope strings: space-separated sets.</summary>
public static class Scopes
{
    public static string? Union(string? a, string? b)
    {
        var all = $"{a} {b}".Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        return all.Count == 0 ? null : string.Join(' ', all);
    }
}
