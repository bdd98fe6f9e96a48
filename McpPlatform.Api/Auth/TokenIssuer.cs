using System.Text;
using McpPlatform.Domain.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpPlatform.Api.Auth;

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
