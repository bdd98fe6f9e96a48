using System.Security.Claims;
using System.Text.Json;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Api.Auth;

/// <summary>Reads the caller from a validated token's claims.</summary>
public static class CallerClaims
{
    public static Caller? From(ClaimsPrincipal user)
    {
        var sub = user.FindFirst("sub")?.Value;
        if (string.IsNullOrWhiteSpace(sub))
        {
            return null;
        }

        var role = user.FindFirst("role")?.Value;
        var groups = user.FindAll("groups").SelectMany(c => SplitGroups(c.Value)).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return new Caller(sub, string.IsNullOrWhiteSpace(role) ? SystemRoles.User : SystemRoles.Normalize(role), groups, user.FindFirst("name")?.Value, user.FindFirst("email")?.Value);
    }

    // Some issuers put the whole array into one claim value as JSON.
    private static string[] SplitGroups(string value)
    {
        if (value.StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<string[]>(value) ?? [];
            }
            catch (JsonException)
            {
                // Only looked like JSON: a group id is a group id.
            }
        }

        return [value];
    }
}
