using System.Text.RegularExpressions;

namespace McpPlatform.Domain.Servers;

/// <summary><c>{{VAR}}</c> placeholders, filled at connect time from the caller's own credential variables.</summary>
public static partial class Placeholders
{
    [GeneratedRegex(@"^\s*(\{\{[A-Za-z0-9_]+\}\}\s*)+$")]
    private static partial Regex PlaceholderOnly();

    public static bool IsPlaceholderOnly(string value) => PlaceholderOnly().IsMatch(value);
}
