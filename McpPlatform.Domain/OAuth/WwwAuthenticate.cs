namespace McpPlatform.Domain.OAuth;

/// <summary>Parses <c>WWW-Authenticate</c>: several challenges, parameters as tokens or quoted strings with escapes.</summary>
public static class WwwAuthenticate
{
    public static WwwAuthenticateChallenge? ParseBearer(IEnumerable<string> headerValues)
    {
        foreach (var value in headerValues)
        {
            foreach (var (scheme, parameters) in Parse(value))
            {
                if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
                {
                    return new WwwAuthenticateChallenge(parameters.GetValueOrDefault("resource_metadata"), parameters.GetValueOrDefault("scope"), parameters.GetValueOrDefault("error"));
                }
            }
        }

        return null;
    }

    /// <summary>Every challenge in one header value, with its parameters (names lower-cased).</summary>
    public static IReadOnlyList<(string Scheme, Dictionary<string, string> Parameters)> Parse(string value)
    {
        var challenges = new List<(string, Dictionary<string, string>)>();
        var i = 0;
        Dictionary<string, string>? current = null;
        while (i < value.Length)
        {
            SkipSeparators(value, ref i);
            var token = ReadToken(value, ref i);
            if (token.Length == 0)
            {
                i++;
                continue;
            }

            SkipSpaces(value, ref i);
            if (i < value.Length && value[i] == '=')
            {
                i++;
                SkipSpaces(value, ref i);
                var parameter = i < value.Length && value[i] == '"' ? ReadQuoted(value, ref i) : ReadToken(value, ref i);
                current?.TryAdd(token.ToLowerInvariant(), parameter);
            }
            else
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                challenges.Add((token, current));
            }
        }

        return challenges;
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t')
        {
            i++;
        }
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or ',')
        {
            i++;
        }
    }

    private static string ReadToken(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && s[i] is not (' ' or '\t' or ',' or '=' or '"'))
        {
            i++;
        }

        return s[start..i];
    }

    private static string ReadQuoted(string s, ref int i)
    {
        var result = new System.Text.StringBuilder();
        i++;
        while (i < s.Length && s[i] != '"')
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
            }

            result.Append(s[i]);
            i++;
        }

        i++;
        return result.ToString();
    }
}
