using System.Text.RegularExpressions;

namespace McpPlatform.Domain.Servers;

/// <summary><c>{{VAR}}</c> placeholders, filled at connect time from the caller's own credential variables.</summary>
public static partial class Placeholders
{
    [GeneratedRegex(@"^\s*(\{\{[A-Za-z0-9_]+\}\}\s*)+$")]
    private static partial Regex PlaceholderOnly();

    [GeneratedRegex(@"\{\{([A-Za-z0-9_]+)\}\}")]
    private static partial Regex Placeholder();

    public static bool IsPlaceholderOnly(string value) => PlaceholderOnly().IsMatch(value);

    /// <summary>Replaces each <c>{{VAR}}</c> with the caller's value; a variable without a value is left as it is
    /// and reported in <paramref name="missing"/>. Nothing else (no process environment) is ever substituted.</summary>
    public static string Fill(string value, IReadOnlyDictionary<string, string> values, ISet<string> missing) =>
        Placeholder().Replace(value, match =>
        {
            var name = match.Groups[1].Value;
            if (values.TryGetValue(name, out var filled) && filled.Length > 0)
            {
                return filled;
            }

            missing.Add(name);
            return match.Value;
        });
}
