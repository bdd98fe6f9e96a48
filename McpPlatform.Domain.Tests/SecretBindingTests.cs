using McpPlatform.Domain.Common;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Tests;

/// <summary>Where credentials are sent (the credential binding) and which stored secrets survive an update (PRODUCT §4,
/// §5 PATCH, §8).</summary>
public sealed class SecretBindingTests
{
    private static bool Changed(McpServerConfig stored, McpServerConfig requested) => CredentialBinding.Of(stored) != CredentialBinding.Of(requested);

    private static McpServerConfig Config(string url = "https://mcp.example.com/sse", string? clientId = "client", string? secret = null, string? tokenUrl = "https://auth.example.com/token") => new()
    {
        Type = "sse",
        Url = url,
        OAuth = new OAuthSettings { AuthorizationUrl = "https://auth.example.com/authorize", TokenUrl = tokenUrl, ClientId = clientId, ClientSecret = secret },
    };

    [Test]
    public void Changed_SameBinding_IsFalse()
    {
        Assert.That(Changed(Config(secret: "s"), Config() with { Description = "other", Title = "Other" }), Is.False);
    }

    [Test]
    public void Changed_TrailingSlashOnly_IsFalse()
    {
        Assert.That(Changed(Config(), Config(url: "https://mcp.example.com/sse/")), Is.False);
    }

    [Test]
    public void Changed_OtherUrl_IsTrue()
    {
        Assert.That(Changed(Config(), Config(url: "https://evil.example.net/sse")), Is.True);
    }

    [Test]
    public void Changed_OtherTokenUrl_IsTrue()
    {
        Assert.That(Changed(Config(), Config(tokenUrl: "https://evil.example.net/token")), Is.True);
    }

    [Test]
    public void Changed_OtherAuthorizationUrl_IsTrue()
    {
        var requested = Config();
        requested = requested with { OAuth = requested.OAuth! with { AuthorizationUrl = "https://evil.example.net/authorize" } };

        Assert.That(Changed(Config(), requested), Is.True);
    }

    [Test]
    public void Changed_OtherClientId_IsTrue()
    {
        Assert.That(Changed(Config(), Config(clientId: "other")), Is.True);
    }

    [Test]
    public void Changed_OAuthRemoved_IsTrue()
    {
        Assert.That(Changed(Config(), Config() with { OAuth = null }), Is.True);
    }

    [Test]
    public void Changed_OtherRevocationEndpoint_IsTrue()
    {
        var stored = Config();
        stored = stored with { OAuth = stored.OAuth! with { RevocationEndpoint = "https://auth.example.com/revoke" } };
        var requested = stored with { OAuth = stored.OAuth! with { RevocationEndpoint = "https://evil.example.net/revoke" } };

        Assert.That(Changed(stored, requested), Is.True);
    }

    [Test]
    public void Changed_AHeaderTemplateCarryingAPlaceholder_IsTrue()
    {
        var stored = Config() with { Headers = new Dictionary<string, string> { ["X-Api-Key"] = "{{API_KEY}}" } };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Changed(stored, stored with { Headers = new Dictionary<string, string> { ["X-Forward"] = "{{API_KEY}}" } }), Is.True, "the variable now goes in another header");
            Assert.That(Changed(stored, stored with { Headers = new Dictionary<string, string> { ["X-Api-Key"] = "prefix {{API_KEY}}" } }), Is.True);
            Assert.That(Changed(stored, stored with { Headers = null, Url = "https://mcp.example.com/sse?key={{API_KEY}}" }), Is.True, "the variable moved into the query");
            Assert.That(Changed(stored, stored with { Headers = new Dictionary<string, string> { ["x-api-key"] = "{{API_KEY}}" } }), Is.False, "header names are case-insensitive");
        }
    }

    [Test]
    public void Changed_ALiteralHeaderValueOrDescriptiveFields_IsFalse()
    {
        var stored = Config() with { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer old-secret" } };
        var requested = stored with
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer new-secret" },
            Title = "Renamed", Description = "d", IconPath = "https://icons.example.com/i.png",
            OAuth = stored.OAuth! with { Scope = "more", ClientSecret = "rotated" },
        };

        Assert.That(Changed(stored, requested), Is.False, "none of these moves a credential anywhere");
    }

    [Test]
    public void Changed_TheTokenEndpointAuthMethod_IsTrue()
    {
        var stored = Config();
        var requested = stored with { OAuth = stored.OAuth! with { TokenEndpointAuthMethodsSupported = ["client_secret_post"] } };

        Assert.That(Changed(stored, requested), Is.True);
    }

    [Test]
    public void AppServerIds_AreStableVersion8_AndNeverADatabaseServersVersion7()
    {
        var id = ServerIds.ForAppServer("weather");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ServerIds.ForAppServer("weather"), Is.EqualTo(id));
            Assert.That(ServerIds.ForAppServer("weather2"), Is.Not.EqualTo(id));
            Assert.That(id.Version, Is.EqualTo(8));
            Assert.That(Guid.CreateVersion7().Version, Is.EqualTo(7));
        }
    }

    [Test]
    public void CarryOver_OmittedSecretUnchangedBinding_KeepsStoredSecret()
    {
        var result = SecretBinding.CarryOverSecrets(Config(secret: "kept"), Config(), bindingChanged: false);

        Assert.That(result.Value.OAuth!.ClientSecret, Is.EqualTo("kept"));
    }

    [Test]
    public void CarryOver_OmittedSecretChangedBinding_DropsIt()
    {
        var result = SecretBinding.CarryOverSecrets(Config(secret: "kept"), Config(url: "https://new.example.com"), bindingChanged: true);

        Assert.That(result.Value.OAuth!.ClientSecret, Is.Null);
    }

    [Test]
    public void CarryOver_NewSecret_Wins()
    {
        var result = SecretBinding.CarryOverSecrets(Config(secret: "old"), Config(secret: "new"), bindingChanged: true);

        Assert.That(result.Value.OAuth!.ClientSecret, Is.EqualTo("new"));
    }

    [Test]
    public void CarryOver_MaskedHeader_RestoredWhenBindingUnchanged_AndOtherHeadersPassThrough()
    {
        var stored = Config() with { Headers = new Dictionary<string, string> { ["X-Key"] = "secret", ["X-Dropped"] = "gone" } };
        var requested = Config() with { Headers = new Dictionary<string, string> { ["X-Key"] = McpServerConfig.MaskedValue, ["X-Plain"] = "{{TOKEN}}" } };

        var result = SecretBinding.CarryOverSecrets(stored, requested, bindingChanged: false);

        Assert.That(result.Value.Headers, Is.EquivalentTo(new Dictionary<string, string> { ["X-Key"] = "secret", ["X-Plain"] = "{{TOKEN}}" }));
    }

    [Test]
    public void CarryOver_MaskedHeaderAfterBindingChange_IsSecretRequiredOnItsPath()
    {
        var stored = Config() with { Headers = new Dictionary<string, string> { ["X-Key"] = "secret" } };
        var requested = Config(url: "https://new.example.com") with { Headers = new Dictionary<string, string> { ["X-Key"] = McpServerConfig.MaskedValue, ["X-Ok"] = "v" } };

        var result = SecretBinding.CarryOverSecrets(stored, requested, bindingChanged: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
            Assert.That(result.Error?.Message, Is.EqualTo("Invalid configuration"));
            Assert.That(result.Error?.Errors?.Select(e => (e.Path, e.Code)), Is.EqualTo(new[] { ("headers.X-Key", "secret_required") }));
        }
    }

    [Test]
    public void CarryOver_MaskedHeaderNeverStored_IsSecretRequired()
    {
        var requested = Config() with { Headers = new Dictionary<string, string> { ["X-New"] = McpServerConfig.MaskedValue } };

        var result = SecretBinding.CarryOverSecrets(Config(), requested, bindingChanged: false);

        Assert.That(result.Error?.Errors?.Select(e => e.Path), Is.EqualTo(new[] { "headers.X-New" }));
    }

    [Test]
    public void CarryOver_NoHeadersRequested_DropsTheStoredOnes()
    {
        var stored = Config() with { Headers = new Dictionary<string, string> { ["X-Key"] = "secret" } };

        var result = SecretBinding.CarryOverSecrets(stored, Config(), bindingChanged: false);

        Assert.That(result.Value.Headers, Is.Null);
    }
}
