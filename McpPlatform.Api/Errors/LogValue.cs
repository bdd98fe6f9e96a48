namespace McpPlatform.Api.Errors;

/// <summary>Makes a request-supplied value safe to log: no CR/LF or other control characters (log forging), bounded length.</summary>
public static class LogValue
{
    public static string Sanitize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var span = value.Length > 256 ? value[..256] + "…" : value;
        return string.Create(span.Length, span, (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                chars[i] = char.IsControl(source[i]) ? '_' : source[i];
            }
        });
    }

    public static string Sanitize(PathString path) => Sanitize(path.Value);
}
