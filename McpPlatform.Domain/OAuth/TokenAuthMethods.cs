namespace McpPlatform.Domain.OAuth;

/// <summary>The token endpoint authentication method: the registration's, else the first the metadata allows that fits.</summary>
public static class TokenAuthMethods
{
    public static string Choose(IReadOnlyList<string>? supported, bool hasSecret)
    {
        if (!hasSecret)
        {
            return "none";
        }

        if (supported is null || supported.Count == 0 || supported.Contains("client_secret_basic"))
        {
            return "client_secret_basic";
        }

        return supported.Contains("client_secret_post") ? "client_secret_post" : "client_secret_basic";
    }
}
