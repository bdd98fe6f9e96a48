namespace McpPlatform.Domain.OAuth;

/// <summary>Issuer identifiers compare as strings, tolerating only a trailing slash.</summary>
public static class Issuers
{
    public static bool Same(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);
}
