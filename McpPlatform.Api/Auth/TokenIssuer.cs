using System.Security.Claims;
using System.Text;
using System.Text.Json;
using McpPlatform.Domain.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpPlatform.Api.Auth;

/// <summary>A development token's contents, as the <c>token</c> command takes them.</summary>
public sealed record TokenRequest(string Subject, string Role = SystemRoles.User, string? Name = null, string? Email = null, IReadOnlyList<string>? Groups = null, int Minutes = 60);

/// <summary>Signs HS256 tokens with the configured key: the <c>token</c> command, the demo and the tests use it.</summary>
public static class TokenIssuer
{
    public static SymmetricSecurityKey SigningKey(string key) => new(Encoding.UTF8.GetBytes(key));

    public static string Issue(AuthOptions options, TokenRequest request, DateTimeOffset now)
    {
        var key = options.Jwt.SigningKey ?? throw new InvalidOperationException("Auth:Jwt:SigningKey is not configured, so this instance cannot issue tokens.");
        var claims = new Dictionary<string, object>
        {
            ["sub"] = request.Subject,
            ["role"] = SystemRoles.Normalize(request.Role),
        };
        if (request.Name is not null)
        {
            claims["name"] = request.Name;
        }

        if (request.Email is not null)
        {
            claims["email"] = request.Email;
        }

        if (request.Groups is { Count: > 0 } groups)
        {
            claims["groups"] = groups.ToArray();
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Jwt.Issuer,
            Audience = options.Jwt.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(request.Minutes).UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}

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
    private static IEnumerable<string> SplitGroups(string value)
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
