using FluentValidation.Results;
using McpPlatform.Api.Features.Servers;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Tests.Unit;

/// <summary>The user input rules for a server config (reference §3.2, PRODUCT §4), hardened as the product asks.</summary>
public sealed class ServerConfigValidatorTests
{
    private static readonly ServerConfigRequestValidator Validator = new();

    private static ValidationResult Validate(McpServerConfigInput? config) =>
        Validator.Validate(new ServerConfigRequest(config));

    private static McpServerConfigInput Sse(string url = "https://a.example.com/mcp") => new() { Type = "sse", Url = url };

    private static ValidationFailure? At(ValidationResult result, string path) =>
        result.Errors.FirstOrDefault(e => e.PropertyName == path);

    // ---- §3.2 invalid cases -------------------------------------------------------------------------------------

    [Test]
    public void SseWithoutUrl_FailsOnUrlAsRequired()
    {
        var result = Validate(new McpServerConfigInput { Type = "sse", Title = "Invalid Server" });

        Assert.That(result.IsValid, Is.False);
        var error = At(result, "url");
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.ErrorCode, Is.EqualTo("required"));
    }

    [TestCase("ws://a.example.com/mcp")]
    [TestCase("wss://a.example.com/mcp")]
    [TestCase("WSS://a.example.com/mcp")]
    public void SseWithWebSocketUrl_FailsWithExactlyTheSseMessage(string url)
    {
        var result = Validate(Sse(url));

        Assert.That(result.Errors, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Errors[0].PropertyName, Is.EqualTo("url"));
            Assert.That(result.Errors[0].ErrorMessage, Is.EqualTo("SSE URL must not start with ws:// or wss://"));
            Assert.That(result.Errors[0].ErrorCode, Is.EqualTo("custom"));
        }
    }

    [TestCase("streamable-http")]
    [TestCase("http")]
    public void StreamableHttpWithWebSocketUrl_FailsWithTheStreamableHttpMessage(string type)
    {
        var result = Validate(new McpServerConfigInput { Type = type, Url = "wss://a.example.com/mcp" });

        Assert.That(result.Errors, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Errors[0].PropertyName, Is.EqualTo("url"));
            Assert.That(result.Errors[0].ErrorMessage, Is.EqualTo("Streamable HTTP URL must not start with ws:// or wss://"));
        }
    }

    [Test]
    public void NotAUrl_IsAnInvalidUrlFailureNotAnException()
    {
        var result = Validate(Sse("not a url"));

        var error = At(result, "url");
        Assert.That(error, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.ErrorCode, Is.EqualTo("invalid_url"));
            Assert.That(error.ErrorMessage, Is.EqualTo("Invalid url"));
        }
    }

    [TestCase("My-Server!")]
    [TestCase("tab\there")]
    [TestCase("")]
    [TestCase("Ünïcode")]
    public void TitleOutsideTheRegex_FailsWithTheLibreChatMessage(string title)
    {
        var result = Validate(Sse() with { Title = title });

        var error = At(result, "title");
        Assert.That(error, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.ErrorMessage, Is.EqualTo("Title can only contain letters, numbers, and spaces"));
            Assert.That(error.ErrorCode, Is.EqualTo("invalid_string"));
        }
    }

    [Test]
    
    public void TitleWithTrailingNewline_Fails()
    {
        var result = Validate(Sse() with { Title = "My Server\n" });

        Assert.That(At(result, "title"), Is.Not.Null);
    }

    [Test]
    public void TitleOver100Characters_Fails()
    {
        var result = Validate(Sse() with { Title = new string('a', 101) });

        Assert.That(At(result, "title")?.ErrorCode, Is.EqualTo("too_big"));
    }

    [Test]
    public void TitleOf100CharactersAndSpaces_Passes()
    {
        var result = Validate(Sse() with { Title = "   " + new string('a', 97) });

        Assert.That(result.IsValid, Is.True, string.Join("; ", result.Errors));
    }

    [Test]
    public void DescriptionOver1000Characters_Fails()
    {
        var result = Validate(Sse() with { Description = new string('d', 1001) });

        Assert.That(At(result, "description")?.ErrorCode, Is.EqualTo("too_big"));
    }

    [Test]
    public void Stdio_IsRefusedOnTypeWithStdioNotAllowed()
    {
        var result = Validate(new McpServerConfigInput { Type = "stdio" });

        Assert.That(result.IsValid, Is.False);
        var error = At(result, "type");
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.ErrorCode, Is.EqualTo("stdio_not_allowed"));
        Assert.That(result.Errors.Count(e => e.PropertyName == "type"), Is.EqualTo(1), "no second enum error for stdio");
    }

    [Test]
    public void Websocket_IsRefusedAsUnsupported()
    {
        var result = Validate(new McpServerConfigInput { Type = "websocket", Url = "wss://a.example.com" });

        Assert.That(result.Errors.Select(e => (e.PropertyName, e.ErrorCode)), Is.EquivalentTo(new[] { ("type", "unsupported_transport") }));
    }

    [Test]
    public void WebSocketUrlWithoutType_IsRefusedAsUnsupported()
    {
        var result = Validate(new McpServerConfigInput { Url = "wss://a.example.com/mcp" });

        Assert.That(result.Errors.Select(e => (e.PropertyName, e.ErrorCode)), Is.EquivalentTo(new[] { ("url", "unsupported_transport") }));
    }

    [TestCase("SSE")]
    [TestCase("grpc")]
    [TestCase("")]
    public void UnknownType_FailsAsInvalidEnumValue(string type)
    {
        var result = Validate(new McpServerConfigInput { Type = type, Url = "https://a.example.com" });

        Assert.That(At(result, "type")?.ErrorCode, Is.EqualTo("invalid_enum_value"));
    }

    [Test]
    public void StreamableHttpWithoutUrl_Fails()
    {
        var result = Validate(new McpServerConfigInput { Type = "streamable-http" });

        Assert.That(result.IsValid, Is.False);
        Assert.That(At(result, "url")?.ErrorMessage, Is.EqualTo("Required"));
    }

    [Test]
    public void OAuthAuthorizationUrlNotAUrl_FailsOnItsPathWithInvalidUrl()
    {
        var result = Validate(Sse("https://a.com") with { OAuth = new OAuthSettings { AuthorizationUrl = "nope" } });

        Assert.That(result.Errors, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Errors[0].PropertyName, Is.EqualTo("oauth.authorization_url"));
            Assert.That(result.Errors[0].ErrorMessage, Is.EqualTo("Invalid url"));
            Assert.That(result.Errors[0].ErrorCode, Is.EqualTo("invalid_url"));
        }
    }

    [TestCase("token_url")]
    [TestCase("revocation_endpoint")]
    public void OtherOAuthUrlsNotUrls_FailOnTheirPath(string member)
    {
        var oauth = member == "token_url" ? new OAuthSettings { TokenUrl = "ftp://x" } : new OAuthSettings { RevocationEndpoint = "nope" };

        var result = Validate(Sse() with { OAuth = oauth });

        Assert.That(At(result, "oauth." + member)?.ErrorCode, Is.EqualTo("invalid_url"));
    }

    [Test]
    public void MissingConfig_FailsOnPathConfig()
    {
        var result = Validate(null);

        Assert.That(result.Errors, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Errors[0].PropertyName, Is.EqualTo("config"));
            Assert.That(result.Errors[0].ErrorCode, Is.EqualTo("required"));
        }
    }

    // ---- §3.2 valid cases ---------------------------------------------------------------------------------------

    [Test]
    public void SseWithHttpsUrl_Passes()
    {
        Assert.That(Validate(Sse()).IsValid, Is.True);
    }

    [Test]
    public void TypeOmittedWithHttpsUrl_Passes()
    {
        var result = Validate(new McpServerConfigInput { Url = "https://a.com/mcp", Title = "x" });

        Assert.That(result.IsValid, Is.True, string.Join("; ", result.Errors));
    }

    [TestCase("http")]
    [TestCase("streamable-http")]
    public void HttpTypes_Pass(string type)
    {
        var result = Validate(new McpServerConfigInput { Type = type, Url = "http://a.example.com:8080/mcp" });

        Assert.That(result.IsValid, Is.True, string.Join("; ", result.Errors));
    }

    [Test]
    public void FullValidConfig_Passes()
    {
        var config = new McpServerConfigInput
        {
            Type = "streamable-http",
            Url = "https://a.example.com/mcp",
            Title = "My Server 2",
            Description = "Does things",
            IconPath = "https://a.example.com/icon.png",
            Headers = new Dictionary<string, string?> { ["Authorization"] = "Bearer {{TOKEN}}", ["X-Api-Key"] = "k" },
            CustomUserVars = new Dictionary<string, CustomUserVar?> { ["TOKEN"] = new("Your token", "From the settings page") },
            OAuth = new OAuthSettings
            {
                AuthorizationUrl = "https://auth.example.com/authorize",
                TokenUrl = "https://auth.example.com/token",
                ClientId = "client",
                ClientSecret = "secret",
                Scope = "read write",
                TokenExchangeMethod = "basic_auth_header",
                GrantTypesSupported = ["authorization_code", "refresh_token"],
                RevocationEndpoint = "https://auth.example.com/revoke",
            },
        };

        var result = Validate(config);

        Assert.That(result.IsValid, Is.True, string.Join("; ", result.Errors));
    }

    // ---- hardening ----------------------------------------------------------------------------------------------

    [Test]
    public void UrlOf2048Characters_Passes_AndOf2049_Fails()
    {
        const string prefix = "https://a.example.com/";
        var exact = prefix + new string('p', ServerConfigRequestValidator.MaxUrlLength - prefix.Length);
        var tooLong = exact + "p";

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Validate(Sse(exact)).IsValid, Is.True);
            Assert.That(At(Validate(Sse(tooLong)), "url")?.ErrorCode, Is.EqualTo("invalid_url"));
        }
    }

    [TestCase("javascript:alert(1)")]
    [TestCase("file:///etc/passwd")]
    [TestCase("/etc/passwd")]
    [TestCase("ftp://a.example.com/mcp")]
    [TestCase("data:text/html,hi")]
    [TestCase("https://user:pass@a.example.com/mcp")]
    [TestCase("https://")]
    public void NonHttpOrUnsafeUrls_AreRejected(string url)
    {
        var result = Validate(Sse(url));

        Assert.That(At(result, "url")?.ErrorCode, Is.EqualTo("invalid_url"));
    }

    [TestCase("a\r\nX-Injected: 1")]
    [TestCase("a\nb")]
    [TestCase("a\rb")]
    [TestCase("a\0b")]
    public void HeaderValueWithLineBreakOrNul_IsRejectedOnItsPath(string value)
    {
        var result = Validate(Sse() with { Headers = new Dictionary<string, string?> { ["X-Key"] = value } });

        Assert.That(At(result, "headers.X-Key")?.ErrorCode, Is.EqualTo("invalid_header_value"));
    }

    [Test]
    public void HeaderValueOver8192Characters_IsRejected()
    {
        var result = Validate(Sse() with { Headers = new Dictionary<string, string?> { ["X-Key"] = new string('v', 8193) } });

        Assert.That(At(result, "headers.X-Key")?.ErrorCode, Is.EqualTo("invalid_header_value"));
    }

    [Test]
    public void Fifty_Headers_Pass_FiftyOne_Fail()
    {
        static Dictionary<string, string?> Headers(int n) => Enumerable.Range(0, n).ToDictionary(i => $"X-H{i}", i => (string?)"v");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Validate(Sse() with { Headers = Headers(50) }).IsValid, Is.True);
            Assert.That(At(Validate(Sse() with { Headers = Headers(51) }), "headers")?.ErrorCode, Is.EqualTo("too_big"));
        }
    }

    [TestCase("Bad Header")]
    [TestCase("X:Colon")]
    [TestCase("X(paren)")]
    [TestCase("")]
    [TestCase("Ünicode")]
    public void BadHeaderName_IsRejected(string name)
    {
        var result = Validate(Sse() with { Headers = new Dictionary<string, string?> { [name] = "v" } });

        Assert.That(At(result, $"headers.{name}")?.ErrorCode, Is.EqualTo("invalid_header_name"));
    }

    [Test]
    
    public void HeaderNameWithTrailingNewline_IsRejected()
    {
        var result = Validate(Sse() with { Headers = new Dictionary<string, string?> { ["X-Key\n"] = "v" } });

        Assert.That(result.IsValid, Is.False);
    }

    [Test]
    public void HeaderNameOfTokenCharacters_Passes()
    {
        var result = Validate(Sse() with { Headers = new Dictionary<string, string?> { ["X-Custom_Header.v2!#$%&'*+^`|~"] = "v" } });

        Assert.That(result.IsValid, Is.True, string.Join("; ", result.Errors));
    }

    [Test]
    public void NullHeaderValue_IsRejectedAsInvalidType()
    {
        var result = Validate(Sse() with { Headers = new Dictionary<string, string?> { ["X-Key"] = null } });

        Assert.That(At(result, "headers.X-Key")?.ErrorCode, Is.EqualTo("invalid_type"));
    }

    [TestCase("BAD-NAME")]
    [TestCase("has space")]
    [TestCase("")]
    public void CustomUserVarWithBadName_IsRejected(string name)
    {
        var result = Validate(Sse() with { CustomUserVars = new Dictionary<string, CustomUserVar?> { [name] = new("Title", null) } });

        Assert.That(At(result, $"customUserVars.{name}")?.ErrorCode, Is.EqualTo("invalid_string"));
    }

    [Test]
    public void CustomUserVarNameOf65Characters_IsRejected()
    {
        var name = new string('V', 65);
        var result = Validate(Sse() with { CustomUserVars = new Dictionary<string, CustomUserVar?> { [name] = new("Title", null) } });

        Assert.That(At(result, $"customUserVars.{name}"), Is.Not.Null);
    }

    [Test]
    public void CustomUserVarWithoutTitle_IsRejectedOnItsTitlePath()
    {
        var result = Validate(Sse() with
        {
            CustomUserVars = new Dictionary<string, CustomUserVar?> { ["A"] = new("  ", null), ["B"] = null, ["C"] = new(new string('t', 101), null) },
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(At(result, "customUserVars.A.title")?.ErrorCode, Is.EqualTo("required"));
            Assert.That(At(result, "customUserVars.B.title")?.ErrorCode, Is.EqualTo("required"));
            Assert.That(At(result, "customUserVars.C.title")?.ErrorCode, Is.EqualTo("required"));
        }
    }

    [Test]
    public void CustomUserVarDescriptionOver1000_IsRejected()
    {
        var result = Validate(Sse() with { CustomUserVars = new Dictionary<string, CustomUserVar?> { ["API_KEY"] = new("Key", new string('d', 1001)) } });

        Assert.That(At(result, "customUserVars.API_KEY.description")?.ErrorCode, Is.EqualTo("too_big"));
    }

    [Test]
    public void MoreThan50CustomUserVars_AreRejected()
    {
        var vars = Enumerable.Range(0, 51).ToDictionary(i => $"V{i}", _ => (CustomUserVar?)new CustomUserVar("T", null));

        Assert.That(At(Validate(Sse() with { CustomUserVars = vars }), "customUserVars")?.ErrorCode, Is.EqualTo("too_big"));
    }

    [TestCase("data:image/png;base64,iVBORw0KGgo=")]
    [TestCase("https://a.example.com/icon.svg")]
    [TestCase("http://a.example.com/icon.png")]
    public void IconPathHttpOrDataImage_Passes(string icon)
    {
        var result = Validate(Sse() with { IconPath = icon });

        Assert.That(result.IsValid, Is.True, string.Join("; ", result.Errors));
    }

    [TestCase("javascript:alert(1)")]
    [TestCase("data:text/html;base64,PHNjcmlwdD4=")]
    [TestCase("/local/icon.png")]
    [TestCase("DATA:image/png;base64,AA==")]
    public void IconPathOtherSchemes_AreRejected(string icon)
    {
        var result = Validate(Sse() with { IconPath = icon });

        Assert.That(At(result, "iconPath")?.ErrorCode, Is.EqualTo("invalid_url"));
    }

    [Test]
    public void IconPathDataImageOver64KiB_IsRejected()
    {
        var icon = "data:image/png;base64," + new string('A', ServerConfigRequestValidator.MaxIconLength);

        Assert.That(At(Validate(Sse() with { IconPath = icon }), "iconPath"), Is.Not.Null);
    }

    [TestCase("default_post", true)]
    [TestCase("basic_auth_header", true)]
    [TestCase("client_secret_jwt", false)]
    [TestCase("", false)]
    public void TokenExchangeMethod_MustBeOneOfTheEnum(string method, bool valid)
    {
        var result = Validate(Sse() with { OAuth = new OAuthSettings { TokenExchangeMethod = method } });

        Assert.That(At(result, "oauth.token_exchange_method") is null, Is.EqualTo(valid));
        if (!valid)
        {
            Assert.That(At(result, "oauth.token_exchange_method")!.ErrorCode, Is.EqualTo("invalid_enum_value"));
        }
    }

    [Test]
    public void OAuthListsOver20Values_AreRejected()
    {
        var result = Validate(Sse() with { OAuth = new OAuthSettings { GrantTypesSupported = [.. Enumerable.Range(0, 21).Select(i => $"g{i}")] } });

        Assert.That(At(result, "oauth.grant_types_supported")?.ErrorCode, Is.EqualTo("too_big"));
    }

    [Test]
    public void OAuthListWithEmptyValue_IsRejected()
    {
        var result = Validate(Sse() with { OAuth = new OAuthSettings { ResponseTypesSupported = ["code", ""] } });

        Assert.That(At(result, "oauth.response_types_supported"), Is.Not.Null);
    }

    [Test]
    public void OAuthClientSecretOver4096_IsRejected()
    {
        var result = Validate(Sse() with { OAuth = new OAuthSettings { ClientSecret = new string('s', 4097) } });

        Assert.That(At(result, "oauth.client_secret")?.ErrorCode, Is.EqualTo("too_big"));
    }

    [Test]
    public void IsHttpUrl_AcceptsHttpAndHttpsOnly()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ServerConfigRequestValidator.IsHttpUrl("https://a.example.com"), Is.True);
            Assert.That(ServerConfigRequestValidator.IsHttpUrl("http://10.0.0.1:8080/x"), Is.True);
            Assert.That(ServerConfigRequestValidator.IsHttpUrl(null), Is.False);
            Assert.That(ServerConfigRequestValidator.IsHttpUrl("wss://a.example.com"), Is.False);
        }
    }
}
