using System.Security.Claims;
using McpPlatform.Api.Auth;
using McpPlatform.Domain.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpPlatform.Tests.Unit;

/// <summary>Reading the caller from token claims, and the development token issuer (PRODUCT §2).</summary>
public sealed class CallerClaimsTests
{
    private static readonly AuthOptions Auth = new() { Jwt = { SigningKey = "0123456789abcdef0123456789abcdef0123456789abcdef" } };

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    [Test]
    public void From_WithoutSub_IsNull()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CallerClaims.From(Principal(("role", "ADMIN"))), Is.Null);
            Assert.That(CallerClaims.From(Principal(("sub", "  "))), Is.Null);
            Assert.That(CallerClaims.From(new ClaimsPrincipal()), Is.Null);
        }
    }

    [Test]
    public void From_WithoutRole_DefaultsToUser()
    {
        var caller = CallerClaims.From(Principal(("sub", "alice")));

        Assert.That(caller, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(caller!.UserId, Is.EqualTo("alice"));
            Assert.That(caller.Role, Is.EqualTo(SystemRoles.User));
            Assert.That(caller.Groups, Is.Empty);
            Assert.That(caller.IsAdmin, Is.False);
        }
    }

    [TestCase("admin", "ADMIN", true)]
    [TestCase(" Admin ", "ADMIN", true)]
    [TestCase("user", "USER", false)]
    [TestCase("", "USER", false)]
    public void From_NormalisesTheRole(string role, string expected, bool isAdmin)
    {
        var caller = CallerClaims.From(Principal(("sub", "u"), ("role", role)))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(caller.Role, Is.EqualTo(expected));
            Assert.That(caller.IsAdmin, Is.EqualTo(isAdmin));
        }
    }

    [Test]
    public void From_ReadsNameAndEmail()
    {
        var caller = CallerClaims.From(Principal(("sub", "u"), ("name", "Alice"), ("email", "alice@example.com")))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(caller.Name, Is.EqualTo("Alice"));
            Assert.That(caller.Email, Is.EqualTo("alice@example.com"));
        }
    }

    [Test]
    public void From_MultipleGroupsClaims_GiveEveryDistinctGroup()
    {
        var caller = CallerClaims.From(Principal(("sub", "u"), ("groups", "g1"), ("groups", "g2"), ("groups", "g1")))!;

        Assert.That(caller.Groups, Is.EqualTo(new[] { "g1", "g2" }));
    }

    [Test]
    public void From_JsonArrayGroupsClaim_GivesTheGroups()
    {
        var caller = CallerClaims.From(Principal(("sub", "u"), ("groups", "[\"g1\",\"g2\",\"\"]")))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(caller.Groups, Is.EqualTo(new[] { "g1", "g2" }));
            Assert.That(caller.Principals, Does.Contain(PrincipalKey.Group("g2")));
        }
    }

    [Test]
    
    public void From_GroupsClaimThatOnlyLooksLikeJson_IsTakenLiterally()
    {
        Assert.That(() => CallerClaims.From(Principal(("sub", "u"), ("groups", "[admins]"))), Throws.Nothing);
    }

    [Test]
    public async Task Issue_ValidatesBackToTheSameCaller()
    {
        var now = DateTimeOffset.UtcNow;
        var token = TokenIssuer.Issue(Auth, new TokenRequest("alice", "admin", "Alice", "alice@example.com", ["g1", "g2"]), now);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters());

        Assert.That(result.IsValid, Is.True, result.Exception?.Message);
        var caller = CallerClaims.From(new ClaimsPrincipal(result.ClaimsIdentity))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(caller.UserId, Is.EqualTo("alice"));
            Assert.That(caller.Role, Is.EqualTo(SystemRoles.Admin));
            Assert.That(caller.Groups, Is.EqualTo(new[] { "g1", "g2" }));
            Assert.That(caller.Name, Is.EqualTo("Alice"));
            Assert.That(caller.Email, Is.EqualTo("alice@example.com"));
        }
    }

    [Test]
    public async Task Issue_WithOneGroup_StillGivesTheGroup()
    {
        var token = TokenIssuer.Issue(Auth, new TokenRequest("bob", Groups: ["only"]), DateTimeOffset.UtcNow);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters());

        var caller = CallerClaims.From(new ClaimsPrincipal(result.ClaimsIdentity))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(caller.Groups, Is.EqualTo(new[] { "only" }));
            Assert.That(caller.Role, Is.EqualTo(SystemRoles.User));
        }
    }

    [Test]
    public void Issue_SetsIssuerAudienceAndLifetime()
    {
        var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var token = new JsonWebToken(TokenIssuer.Issue(Auth, new TokenRequest("alice", Minutes: 5), now));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(token.Issuer, Is.EqualTo("mcp-platform"));
            Assert.That(token.Audiences, Is.EqualTo(new[] { "mcp-platform" }));
            Assert.That(token.ValidTo, Is.EqualTo(now.AddMinutes(5).UtcDateTime));
            Assert.That(token.Alg, Is.EqualTo(SecurityAlgorithms.HmacSha256));
            Assert.That(token.TryGetPayloadValue<object>("groups", out _), Is.False, "no groups claim without groups");
        }
    }

    [Test]
    public async Task Issue_TokenSignedWithAnotherKey_DoesNotValidate()
    {
        var other = new AuthOptions { Jwt = { SigningKey = new string('z', 48) } };
        var token = TokenIssuer.Issue(other, new TokenRequest("mallory", "ADMIN"), DateTimeOffset.UtcNow);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters());

        Assert.That(result.IsValid, Is.False);
    }

    [Test]
    public void Issue_WithoutSigningKey_Throws()
    {
        Assert.That(() => TokenIssuer.Issue(new AuthOptions(), new TokenRequest("alice"), DateTimeOffset.UtcNow),
            Throws.InvalidOperationException.With.Message.Contains("SigningKey"));
    }

    private static TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = Auth.Jwt.Issuer,
        ValidAudience = Auth.Jwt.Audience,
        IssuerSigningKey = TokenIssuer.SigningKey(Auth.Jwt.SigningKey!),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
    };
}
