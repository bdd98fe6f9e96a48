using McpPlatform.Api.Hosting;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace McpPlatform.Tests.Integration;

/// <summary>A wrong or missing key stops start-up with a message that names it.</summary>
[NonParallelizable]
public sealed class StartupConfigurationTests : ApiTest
{
    [Test]
    public void MissingSigningKeyOutsideDevelopment_FailsNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PlatformApp.CreateBuilder(["--environment=Production", "--Auth:Jwt:SigningKey="]));
        Assert.That(error!.Message, Does.Contain("Auth:Jwt:SigningKey"));
    }

    [Test]
    public void ShortSigningKey_FailsNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PlatformApp.CreateBuilder(["--environment=Production", "--Auth:Jwt:SigningKey=too-short"]));
        Assert.That(error!.Message, Does.Contain("Auth:Jwt:SigningKey").And.Contain("32 bytes"));
    }

    [TestCase("--OAuth:FlowTtl=abc", "OAuth:FlowTtl")]
    [TestCase("--Mcp:ConnectTimeout=-00:00:01", "Mcp:ConnectTimeout")]
    [TestCase("--Mcp:MaxMessageBytes=0", "Mcp:MaxMessageBytes")]
    [TestCase("--RateLimits:CreatePerMinute=0", "RateLimits:CreatePerMinute")]
    [TestCase("--RateLimits:ToolCallPerMinute=-1", "RateLimits:ToolCallPerMinute")]
    [TestCase("--RateLimits:WritePerMinute=0", "RateLimits:WritePerMinute")]
    [TestCase("--RateLimits:OAuthCallbackPerMinute=many", "RateLimits:OAuthCallbackPerMinute")]
    [TestCase("--Server:PublicBaseUrl=not-a-url", "Server:PublicBaseUrl")]
    public void BadValues_FailWhenTheAppIsBuiltNamingTheKey(string setting, string key)
    {
        var error = Assert.Catch<Exception>(() => PlatformApp.Build(PlatformApp.CreateBuilder(["--environment=Production", "--urls=http://127.0.0.1:0", setting])));
        Assert.That(error!.ToString(), Does.Contain(key));
    }

    [TestCase("--Encryption:Keys:t1=bm90LTMyLWJ5dGVz", "Encryption:Keys:t1")]
    [TestCase("--Encryption:ActiveKeyId=missing", "Encryption:ActiveKeyId")]
    public async Task BadEncryptionKeyRing_FailsAtStartNamingTheKey(string setting, string key)
    {
        var app = PlatformApp.Build(PlatformApp.CreateBuilder(["--environment=Production", "--urls=http://127.0.0.1:0", setting]));
        try
        {
            var error = Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.That(error!.Message, Does.Contain(key));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
