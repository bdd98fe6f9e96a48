using System.Text.Json;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Tests;

/// <summary>Masking, transport inference and the LibreChat wire shape of a server config.</summary>
public sealed class McpServerConfigTests
{
    [Test]
    public void Masked_MasksSecretHeaderAndEnvValues_KeepsPlaceholderOnlyValues()
    {
        var config = new McpServerConfig
        {
            Url = "https://a.example.com",
            Headers = new Dictionary<string, string>
            {
                ["Authorization"] = "Bearer abc",
                ["X-User"] = "{{USER_TOKEN}}",
                ["X-Two"] = " {{A}} {{B_2}} ",
                ["X-Mixed"] = "Bearer {{TOKEN}}",
                ["X-Empty"] = "",
            },
            Env = new Dictionary<string, string> { ["API_KEY"] = "sk-123", ["FROM_USER"] = "{{KEY}}" },
            OAuthHeaders = new Dictionary<string, string> { ["X-Oauth"] = "secret" },
        };

        var masked = config.Masked();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(masked.Headers, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["Authorization"] = McpServerConfig.MaskedValue,
                ["X-User"] = "{{USER_TOKEN}}",
                ["X-Two"] = " {{A}} {{B_2}} ",
                ["X-Mixed"] = McpServerConfig.MaskedValue,
                ["X-Empty"] = McpServerConfig.MaskedValue,
            }));
            Assert.That(masked.Env, Is.EquivalentTo(new Dictionary<string, string> { ["API_KEY"] = McpServerConfig.MaskedValue, ["FROM_USER"] = "{{KEY}}" }));
            Assert.That(masked.OAuthHeaders!["X-Oauth"], Is.EqualTo(McpServerConfig.MaskedValue));
        }
    }

    [Test]
    public void Masked_DropsTheClientSecretButKeepsTheRestOfOAuth()
    {
        var config = new McpServerConfig { OAuth = new OAuthSettings { ClientId = "id", ClientSecret = "secret", Scope = "read" } };

        var masked = config.Masked();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(masked.OAuth!.ClientSecret, Is.Null);
            Assert.That(masked.OAuth.ClientId, Is.EqualTo("id"));
            Assert.That(masked.OAuth.Scope, Is.EqualTo("read"));
        }
    }

    [Test]
    public void Masked_LeavesTheOriginalUntouched()
    {
        var config = new McpServerConfig { Headers = new Dictionary<string, string> { ["X"] = "secret" }, OAuth = new OAuthSettings { ClientSecret = "s" } };

        _ = config.Masked();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Headers["X"], Is.EqualTo("secret"));
            Assert.That(config.OAuth.ClientSecret, Is.EqualTo("s"));
        }
    }

    [Test]
    public void Masked_NoSecrets_StaysNull()
    {
        var masked = new McpServerConfig { Url = "https://a" }.Masked();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(masked.Headers, Is.Null);
            Assert.That(masked.Env, Is.Null);
            Assert.That(masked.OAuth, Is.Null);
        }
    }

    [Test]
    public void Masked_SerializedJson_NeverContainsASecret()
    {
        var config = new McpServerConfig
        {
            Headers = new Dictionary<string, string> { ["X"] = "hdr-secret-1" },
            Env = new Dictionary<string, string> { ["E"] = "env-secret-2" },
            OAuth = new OAuthSettings { ClientSecret = "client-secret-3" },
        };

        var json = JsonSerializer.Serialize(config.Masked());

        Assert.That(json, Does.Not.Contain("secret-"));
    }

    [TestCase("{{VAR}}", true)]
    [TestCase("{{A}}{{B}}", true)]
    [TestCase("{{lower_case_9}}", true)]
    [TestCase("Bearer {{VAR}}", false)]
    [TestCase("{{VAR-X}}", false)]
    [TestCase("{{}}", false)]
    [TestCase("${VAR}", false)]
    [TestCase("", false)]
    public void IsPlaceholderOnly(string value, bool expected)
    {
        Assert.That(Placeholders.IsPlaceholderOnly(value), Is.EqualTo(expected));
    }

    [TestCase(null, "https://a.example.com/mcp", null, TransportKind.Sse)]
    [TestCase(null, "http://a.example.com/mcp", null, TransportKind.Sse)]
    [TestCase(null, "ws://a.example.com/mcp", null, TransportKind.WebSocket)]
    [TestCase(null, "WSS://a.example.com/mcp", null, TransportKind.WebSocket)]
    [TestCase(null, null, "node", TransportKind.Stdio)]
    [TestCase(null, "https://a.example.com", "node", TransportKind.Stdio)]
    [TestCase("http", "https://a.example.com", null, TransportKind.StreamableHttp)]
    [TestCase("streamable-http", "https://a.example.com", null, TransportKind.StreamableHttp)]
    [TestCase("sse", "https://a.example.com", null, TransportKind.Sse)]
    [TestCase("stdio", null, "node", TransportKind.Stdio)]
    [TestCase("websocket", "wss://a.example.com", null, TransportKind.WebSocket)]
    [TestCase("grpc", "https://a.example.com", null, TransportKind.Unknown)]
    [TestCase(null, null, null, TransportKind.Unknown)]
    public void Transports_Of_InfersLikeLibreChat(string? type, string? url, string? command, TransportKind expected)
    {
        var config = new McpServerConfig { Type = type, Url = url, Command = command };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Transports.Of(config), Is.EqualTo(expected));
            Assert.That(config.Transport, Is.EqualTo(expected));
        }
    }

    [Test]
    public void Json_UsesLibreChatMemberNames()
    {
        var config = new McpServerConfig
        {
            Type = "sse",
            IconPath = "https://i",
            CustomUserVars = new Dictionary<string, CustomUserVar> { ["K"] = new("Key", "d") },
            OAuthHeaders = new Dictionary<string, string> { ["X"] = "1" },
            OAuth = new OAuthSettings { AuthorizationUrl = "https://a", TokenExchangeMethod = "default_post", SkipCodeChallengeCheck = true },
        };

        var json = JsonSerializer.Serialize(config);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(json, Does.Contain("\"iconPath\":"));
            Assert.That(json, Does.Contain("\"customUserVars\":"));
            Assert.That(json, Does.Contain("\"oauth_headers\":"));
            Assert.That(json, Does.Contain("\"authorization_url\":"));
            Assert.That(json, Does.Contain("\"token_exchange_method\":"));
            Assert.That(json, Does.Contain("\"skip_code_challenge_check\":"));
            Assert.That(json, Does.Not.Contain("Transport"));
        }
    }

    [TestCase("{\"serverInstructions\":true}", "true")]
    [TestCase("{\"serverInstructions\":false}", "false")]
    [TestCase("{\"serverInstructions\":\"Use tool X first\"}", "Use tool X first")]
    [TestCase("{\"serverInstructions\":null}", null)]
    public void ServerInstructions_ReadsBooleanOrString(string json, string? expected)
    {
        var config = JsonSerializer.Deserialize<McpServerConfig>(json)!;

        Assert.That(config.ServerInstructions, Is.EqualTo(expected));
    }

    [Test]
    public void ServerInstructions_WritesTrueBackAsABoolean()
    {
        var json = JsonSerializer.Serialize(new McpServerConfig { ServerInstructions = "true" });

        Assert.That(json, Does.Contain("\"serverInstructions\":true"));
    }

    [Test]
    public void ServerInstructions_NumberIsRejected()
    {
        Assert.That(() => JsonSerializer.Deserialize<McpServerConfig>("{\"serverInstructions\":3}"), Throws.InstanceOf<JsonException>());
    }
}
