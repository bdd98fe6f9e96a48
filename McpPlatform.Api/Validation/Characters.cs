namespace McpPlatform.Api.Validation;

/// <summary>
/// The lengths the API documents in characters count Unicode characters (code points), not UTF-16 units: a character
/// outside the Basic Multilingual Plane (CJK Extension B, most emoji) is one character, though .NET holds it as two
/// units. (LibreChat's SPA counts UTF-16 units, so whatever it lets through is accepted here.)
/// </summary>
public static class Characters
{
    /// <summary>Whether <paramref name="text"/> (null counts as empty) has at most <paramref name="max"/> characters.</summary>
    public static bool AtMost(string? text, int max)
    {
        if (text is null || text.Length <= max)
        {
            return true;
        }

        // Each character takes one or two units: past twice the limit in units, it is past the limit in characters.
        return text.Length <= 2 * max && Count(text) <= max;
    }

    public static int Count(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
