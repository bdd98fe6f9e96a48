using System.Buffers.Text;
using System.Text;

namespace McpPlatform.Domain.Servers;

/// <summary>The opaque keyset cursor of the paged list: the last name of the page, base64url-encoded with a version prefix.</summary>
public static class PageCursor
{
    private const string Prefix = "n1:";

    public static string Encode(string lastName) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + lastName));

    public static bool TryDecode(string cursor, out string? lastName)
    {
        lastName = null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (!text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length == Prefix.Length)
            {
                return false;
            }

            lastName = text[Prefix.Length..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
