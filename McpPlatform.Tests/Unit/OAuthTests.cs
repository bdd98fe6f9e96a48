using McpPlatform.Domain.OAuth;
using McpPlatform.Infrastructure.OAuth;

namespace McpPlatform.Tests.Unit;

/// <summary>The pure OAuth helpers: PKCE, WWW-Authenticate parsing, scopes, issuers, auth methods and the discovery URL rules.</summary>
public sealed class OAuthTests
{
    // ---- PKCE -----------------------------------------------------------------------------------------------------

    [Test]
    public void Pkce_Verifier_Is43Base64UrlCharacters()
    {
        var verifier = Pkce.NewVerifier();

        Assert.That(verifier, Has.Length.EqualTo(43));
        Assert.That(verifier, Does.Match("^[A-Za-z0-9_-]{43}$"));
    }

    /// <summary>RFC 7636 appendix B: the 32 octets, their base64url verifier, and its S256 challenge.</summary>
    [Test]
    public void Pkce_MatchesRfc7636AppendixB()
    {
        byte[] octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pkce.Base64Url(octets), Is.EqualTo("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
            Assert.That(Pkce.Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), Is.EqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        }
    }

    [Test]
    public void Pkce_Challenge_OfANewVerifier_Is43Base64UrlCharacters() =>
        Assert.That(Pkce.Challenge(Pkce.NewVerifier()), Does.Match("^[A-Za-z0-9_-]{43}$"));

    [Test]
    public void Pkce_States_AreLongAndRandom()
    {
        var states = Enumerable.Range(0, 50).Select(_ => Pkce.NewState()).ToList();

        Assert.That(states, Has.All.Length.GreaterThanOrEqualTo(43));
        Assert.That(states, Has.All.Match("^[A-Za-z0-9_-]+$"));
        Assert.That(states, Is.Unique);
        var verifiers = Enumerable.Range(0, 50).Select(_ => Pkce.NewVerifier()).ToList();
        Assert.That(verifiers, Is.Unique);
    }

    [Test]
    public void Pkce_Base64Url_HasNoPaddingAndUrlSafeCharacters() =>
        Assert.That(Pkce.Base64Url([0xfb, 0xff]), Is.EqualTo("-_8"));

    // ---- WWW-Authenticate -----------------------------------------------------------------------------------------

    [Test]
    public void Parse_QuotedStringWithEscapedQuotesAndCommas()
    {
        var challenges = WwwAuthenticate.Parse("""Bearer realm="a \"quoted\" b, with comma", error="invalid_token" """);

        Assert.That(challenges, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(challenges[0].Scheme, Is.EqualTo("Bearer"));
            Assert.That(challenges[0].Parameters["realm"], Is.EqualTo("a \"quoted\" b, with comma"));
            Assert.That(challenges[0].Parameters["error"], Is.EqualTo("invalid_token"));
        }
    }

    [Test]
    public void Parse_SeveralChallengesInOneHeader()
    {
        var challenges = WwwAuthenticate.Parse("""Basic realm="x", Bearer resource_metadata="https://a/b", scope="a b", error="insufficient_scope" """);

        Assert.That(challenges.Select(c => c.Scheme), Is.EqualTo(new[] { "Basic", "Bearer" }));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(challenges[0].Parameters, Is.EquivalentTo(new Dictionary<string, string> { ["realm"] = "x" }));
            Assert.That(challenges[1].Parameters["resource_metadata"], Is.EqualTo("https://a/b"));
            Assert.That(challenges[1].Parameters["scope"], Is.EqualTo("a b"));
            Assert.That(challenges[1].Parameters["error"], Is.EqualTo("insufficient_scope"));
        }
    }

    [Test]
    public void ParseBearer_PicksTheBearerChallengeAmongOthers()
    {
        var challenge = WwwAuthenticate.ParseBearer(["""Basic realm="x", Bearer resource_metadata="https://a/b", scope="a b", error="insufficient_scope" """]);

        Assert.That(challenge, Is.EqualTo(new WwwAuthenticateChallenge("https://a/b", "a b", "insufficient_scope")));
    }

    [Test]
    public void ParseBearer_ParameterNamesAndSchemeAreCaseInsensitive()
    {
        var challenge = WwwAuthenticate.ParseBearer(["""bearer Resource_Metadata="https://a/b", SCOPE=read, Error="invalid_token" """]);

        Assert.That(challenge, Is.EqualTo(new WwwAuthenticateChallenge("https://a/b", "read", "invalid_token")));
    }

    [Test]
    public void ParseBearer_TokenValuesAndSpacesAroundEquals()
    {
        var challenge = WwwAuthenticate.ParseBearer(["Bearer error = invalid_token ,scope=\"files:read\""]);

        Assert.That(challenge, Is.EqualTo(new WwwAuthenticateChallenge(null, "files:read", "invalid_token")));
    }

    [Test]
    public void ParseBearer_LooksThroughEveryHeaderValue()
    {
        var challenge = WwwAuthenticate.ParseBearer(["""Basic realm="x" """, """Bearer scope="s" """]);

        Assert.That(challenge?.Scope, Is.EqualTo("s"));
    }

    [Test]
    public void ParseBearer_NoBearerChallenge_IsNull()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(WwwAuthenticate.ParseBearer(["""Basic realm="x", Digest realm="y", nonce="n" """]), Is.Null);
            Assert.That(WwwAuthenticate.ParseBearer([]), Is.Null);
            Assert.That(WwwAuthenticate.ParseBearer([string.Empty]), Is.Null);
        }
    }

    [Test]
    public void ParseBearer_BareBearer_HasNoParameters() =>
        Assert.That(WwwAuthenticate.ParseBearer(["Bearer"]), Is.EqualTo(new WwwAuthenticateChallenge(null, null, null)));

    [Test]
    public void ParseBearer_EmptyValues()
    {
        var challenge = WwwAuthenticate.ParseBearer(["""Bearer error="", scope=, resource_metadata="https://a/b" """]);

        Assert.That(challenge, Is.EqualTo(new WwwAuthenticateChallenge("https://a/b", string.Empty, string.Empty)));
    }

    [Test]
    public void ParseBearer_ParametersOfAnotherSchemeDoNotLeakIn()
    {
        var challenge = WwwAuthenticate.ParseBearer(["""Bearer realm="api", Basic scope="basic-scope", error="basic" """]);

        Assert.That(challenge, Is.EqualTo(new WwwAuthenticateChallenge(null, null, null)));
    }

    [Test]
    public void ParseBearer_Token68OfAnotherSchemeIsSkipped()
    {
        var challenge = WwwAuthenticate.ParseBearer(["""Negotiate abc==, Bearer scope="s" """]);

        Assert.That(challenge?.Scope, Is.EqualTo("s"));
    }

    [Test]
    public void ParseBearer_UnterminatedQuotedString_TakesTheRest()
    {
        var challenge = WwwAuthenticate.ParseBearer(["Bearer scope=\"a b"]);

        Assert.That(challenge?.Scope, Is.EqualTo("a b"));
    }

    // ---- Scopes, issuers, auth methods ----------------------------------------------------------------------------

    [TestCase(null, null, null)]
    [TestCase("", "  ", null)]
    [TestCase("a b", null, "a b")]
    [TestCase(null, "c", "c")]
    [TestCase("a b", "b c", "a b c")]
    [TestCase("  a   a ", "a", "a")]
    [TestCase("A", "a", "A a")]
    public void Scopes_Union(string? a, string? b, string? expected) =>
        Assert.That(Scopes.Union(a, b), Is.EqualTo(expected));

    [TestCase("https://as.example.com", "https://as.example.com", true)]
    [TestCase("https://as.example.com/", "https://as.example.com", true)]
    [TestCase("https://as.example.com/tenant", "https://as.example.com/tenant/", true)]
    [TestCase("https://as.example.com/a", "https://as.example.com/b", false)]
    [TestCase("https://AS.example.com", "https://as.example.com", false)]
    [TestCase("http://as.example.com", "https://as.example.com", false)]
    public void Issuers_Same(string a, string b, bool expected) =>
        Assert.That(Issuers.Same(a, b), Is.EqualTo(expected));

    [Test]
    public void TokenAuthMethods_NoSecret_IsNone()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(TokenAuthMethods.Choose(["client_secret_basic"], hasSecret: false), Is.EqualTo("none"));
            Assert.That(TokenAuthMethods.Choose(null, hasSecret: false), Is.EqualTo("none"));
        }
    }

    [Test]
    public void TokenAuthMethods_BasicPreferredWhenListedOrNothingListed()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(TokenAuthMethods.Choose(["client_secret_post", "client_secret_basic"], hasSecret: true), Is.EqualTo("client_secret_basic"));
            Assert.That(TokenAuthMethods.Choose([], hasSecret: true), Is.EqualTo("client_secret_basic"));
            Assert.That(TokenAuthMethods.Choose(null, hasSecret: true), Is.EqualTo("client_secret_basic"));
        }
    }

    [Test]
    public void TokenAuthMethods_PostWhenOnlyPostIsListed() =>
        Assert.That(TokenAuthMethods.Choose(["client_secret_post", "private_key_jwt"], hasSecret: true), Is.EqualTo("client_secret_post"));

    // ---- HttpOAuthClient's URL rules ------------------------------------------------------------------------------

    [Test]
    public void AuthorizationServerMetadataUrls_IssuerWithPath_InsertsThenAppends()
    {
        var urls = HttpOAuthClient.AuthorizationServerMetadataUrls("https://auth.example.com/tenant1");

        Assert.That(urls, Is.EqualTo(new[]
        {
            "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
            "https://auth.example.com/.well-known/openid-configuration/tenant1",
            "https://auth.example.com/tenant1/.well-known/openid-configuration",
        }));
    }

    [Test]
    public void AuthorizationServerMetadataUrls_IssuerWithPathAndTrailingSlash_IgnoresTheSlash() =>
        Assert.That(HttpOAuthClient.AuthorizationServerMetadataUrls("https://auth.example.com/a/b/"), Is.EqualTo(new[]
        {
            "https://auth.example.com/.well-known/oauth-authorization-server/a/b",
            "https://auth.example.com/.well-known/openid-configuration/a/b",
            "https://auth.example.com/a/b/.well-known/openid-configuration",
        }));

    [TestCase("https://auth.example.com")]
    [TestCase("https://auth.example.com/")]
    public void AuthorizationServerMetadataUrls_IssuerWithoutPath_Rfc8414ThenOidc(string issuer) =>
        Assert.That(HttpOAuthClient.AuthorizationServerMetadataUrls(issuer), Is.EqualTo(new[]
        {
            "https://auth.example.com/.well-known/oauth-authorization-server",
            "https://auth.example.com/.well-known/openid-configuration",
        }));

    [Test]
    public void AuthorizationServerMetadataUrls_KeepANonDefaultPort() =>
        Assert.That(HttpOAuthClient.AuthorizationServerMetadataUrls("http://localhost:8080").First(),
            Is.EqualTo("http://localhost:8080/.well-known/oauth-authorization-server"));

    [TestCase("https://mcp.example.com/mcp", "https://mcp.example.com/mcp", true)]
    [TestCase("https://mcp.example.com/mcp/", "https://mcp.example.com/mcp", true)]
    [TestCase("https://mcp.example.com", "https://mcp.example.com/mcp", true)]
    [TestCase("https://mcp.example.com/", "https://mcp.example.com/mcp", true)]
    [TestCase("https://mcp.example.com/tenant", "https://mcp.example.com/tenant/mcp", true)]
    [TestCase("https://mcp.example.com:443/mcp", "https://mcp.example.com/mcp", true)]
    [TestCase("https://MCP.example.com/mcp", "https://mcp.example.com/mcp", true)]
    [TestCase("https://mcp.example.com/mcp/extra", "https://mcp.example.com/mcp", false)]
    [TestCase("https://other.example.com/mcp", "https://mcp.example.com/mcp", false)]
    [TestCase("https://mcp.example.com:8443/mcp", "https://mcp.example.com/mcp", false)]
    [TestCase("http://mcp.example.com/mcp", "https://mcp.example.com/mcp", false)]
    [TestCase("http://localhost:3200/mcp", "http://127.0.0.1:3200/mcp", false)]
    [TestCase("not a url", "https://mcp.example.com/mcp", false)]
    [TestCase("/mcp", "https://mcp.example.com/mcp", false)]
    public void ResourceMatches(string resource, string server, bool expected) =>
        Assert.That(HttpOAuthClient.ResourceMatches(resource, new Uri(server)), Is.EqualTo(expected));

    [TestCase("https://mcp.example.com/mc", "https://mcp.example.com/mcp")]
    [TestCase("https://mcp.example.com/api", "https://mcp.example.com/apikeys/mcp")]
    public void ResourceMatches_PathPrefixMustEndAtASegmentBoundary(string resource, string server) =>
        Assert.That(HttpOAuthClient.ResourceMatches(resource, new Uri(server)), Is.False);
}
