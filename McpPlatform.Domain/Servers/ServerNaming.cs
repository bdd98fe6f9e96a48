using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace McpPlatform.Domain.Servers;

/// <summary>Server names: URL-safe slugs from the title, globally unique, never changed (LibreChat's rules).</summary>
public static partial class ServerNaming
{
    public const string FallbackSlug = "mcp-server";
    private const string RandomAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    /// <summary>Words that are literal route segments under <c>/api/mcp</c>: a server with such a name could not be addressed.</summary>
    public static IReadOnlySet<string> RouteWords { get; } = new HashSet<string>(StringComparer.Ordinal) { "servers", "tools", "oauth", "connection" };

    [GeneratedRegex(@"[^a-z0-9\s-]")]
    private static partial Regex Disallowed();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("-+")]
    private static partial Regex Dashes();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,200}\z")]
    private static partial Regex AddressableName();

    /// <summary><c>My Server</c> → <c>my-server</c>; nothing usable left → <c>mcp-server</c>.</summary>
    public static string Slugify(string title)
    {
        var slug = Disallowed().Replace(title.ToLowerInvariant().Trim(), string.Empty);
        slug = Dashes().Replace(Whitespace().Replace(slug, "-"), "-");
        if (slug.StartsWith('-'))
        {
            slug = slug[1..];
        }

        if (slug.EndsWith('-'))
        {
            slug = slug[..^1];
        }

        return slug.Length == 0 ? FallbackSlug : slug;
    }

    /// <summary>
    /// The name to give a new server whose slug is <paramref name="baseSlug"/>, given the names already taken that
    /// start with it: the base itself when free, else <c>base-(max+1)</c> (gaps are not filled). Reserved names count
    /// as taken.
    /// </summary>
    public static string NextFree(string baseSlug, IEnumerable<string> takenWithPrefix, Func<string, bool> isReserved)
    {
        long max = 0;
        var baseTaken = isReserved(baseSlug);
        foreach (var name in takenWithPrefix)
        {
            if (name == baseSlug)
            {
                baseTaken = true;
                max = Math.Max(max, 1);
            }
            else if (name.Length > baseSlug.Length + 1 && name.StartsWith(baseSlug + "-", StringComparison.Ordinal)
                     && long.TryParse(name.AsSpan(baseSlug.Length + 1), System.Globalization.NumberStyles.None, null, out var n))
            {
                max = Math.Max(max, n);
            }
        }

        if (!baseTaken && max == 0)
        {
            return baseSlug;
        }

        // long: a taken suffix of int.MaxValue must not wrap around.
        var next = Math.Max(max, 1) + 1;
        while (isReserved($"{baseSlug}-{next}"))
        {
            next++;
        }

        return $"{baseSlug}-{next}";
    }

    /// <summary>A name for a server without a title: <c>mcp-</c> and 16 random URL-safe characters.</summary>
    public static string RandomName()
    {
        var chars = new StringBuilder("mcp-", 20);
        for (var i = 0; i < 16; i++)
        {
            chars.Append(RandomAlphabet[RandomNumberGenerator.GetInt32(RandomAlphabet.Length)]);
        }

        return chars.ToString();
    }

    /// <summary>Whether a path segment could be a server name at all (anything else cannot exist, so it is a 404).</summary>
    public static bool IsAddressable(string name) => AddressableName().IsMatch(name);
}
