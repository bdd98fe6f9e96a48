using McpPlatform.Domain.Common;
using McpPlatform.Domain.OAuth;
using McpPlatform.Infrastructure.OAuth;
using Microsoft.Extensions.Caching.Memory;
using Moq;

namespace McpPlatform.Tests.Unit;

/// <summary>Discovery is reused to start flows while fresh; a challenge, other headers, a failure or a zero TTL go to
/// the server again.</summary>
public sealed class DiscoveryCachingOAuthClientTests
{
    private static readonly Uri Server = new("https://mcp.example.com/mcp");
    private static readonly Dictionary<string, string> NoHeaders = [];
    private static readonly CancellationToken None = CancellationToken.None;

    private Mock<IOAuthClient> _inner = null!;
    private MemoryCache _cache = null!;
    private int _discoveries;

    [SetUp]
    public void SetUp()
    {
        _inner = new Mock<IOAuthClient>();
        _cache = new MemoryCache(new MemoryCacheOptions());
        _discoveries = 0;
        _inner.Setup(c => c.DiscoverAsync(It.IsAny<Uri>(), It.IsAny<WwwAuthenticateChallenge?>(), It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => (Result<OAuthDiscovery>)Discovery($"https://as{++_discoveries}.example.com"));
    }

    [TearDown]
    public void TearDown() => _cache.Dispose();

    [Test]
    public async Task SameServerAndHeaders_DiscoveredOnce()
    {
        var client = Client(TimeSpan.FromMinutes(5));

        var first = (await client.DiscoverAsync(Server, null, NoHeaders, null, None)).Value;
        var second = (await client.DiscoverAsync(new Uri("https://mcp.example.com/mcp"), null, new Dictionary<string, string>(), null, None)).Value;

        Assert.That(second, Is.SameAs(first));
        Assert.That(_discoveries, Is.EqualTo(1));
    }

    [Test]
    public async Task AChallenge_IsAlwaysFollowed()
    {
        var client = Client(TimeSpan.FromMinutes(5));
        await client.DiscoverAsync(Server, null, NoHeaders, null, None);

        var challenged = (await client.DiscoverAsync(Server, new WwwAuthenticateChallenge("https://mcp.example.com/.well-known/oauth-protected-resource", "more", "insufficient_scope"), NoHeaders, null, None)).Value;

        Assert.That(challenged.Issuer, Is.EqualTo("https://as2.example.com"));
        Assert.That(_discoveries, Is.EqualTo(2));
    }

    [Test]
    public async Task OtherServersOrHeaders_AreDiscoveredApart()
    {
        var client = Client(TimeSpan.FromMinutes(5));

        await client.DiscoverAsync(Server, null, NoHeaders, null, None);
        await client.DiscoverAsync(new Uri("https://other.example.com/mcp"), null, NoHeaders, null, None);
        await client.DiscoverAsync(Server, null, new Dictionary<string, string> { ["X-Tenant"] = "a" }, null, None);
        await client.DiscoverAsync(Server, null, new Dictionary<string, string> { ["X-Tenant"] = "b" }, null, None);
        await client.DiscoverAsync(Server, null, new Dictionary<string, string> { ["X-Tenant"] = "a" }, null, None);

        Assert.That(_discoveries, Is.EqualTo(4));
    }

    [Test]
    public async Task AFailure_IsNotKept()
    {
        _inner.SetupSequence(c => c.DiscoverAsync(Server, null, It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OAuthErrors.Discovery("No authorization server metadata found"))
            .ReturnsAsync(Discovery("https://as.example.com"));
        var client = Client(TimeSpan.FromMinutes(5));

        Assert.That((await client.DiscoverAsync(Server, null, NoHeaders, null, None)).Error?.ErrorText, Is.EqualTo(OAuthErrors.DiscoveryCode), "the failure is answered, not kept");
        var retried = (await client.DiscoverAsync(Server, null, NoHeaders, null, None)).Value;

        Assert.That(retried.Issuer, Is.EqualTo("https://as.example.com"));
    }

    [Test]
    public async Task ZeroTtl_DiscoversEveryTime()
    {
        var client = Client(TimeSpan.Zero);

        await client.DiscoverAsync(Server, null, NoHeaders, null, None);
        await client.DiscoverAsync(Server, null, NoHeaders, null, None);

        Assert.That(_discoveries, Is.EqualTo(2));
    }

    private DiscoveryCachingOAuthClient Client(TimeSpan ttl) => new(_inner.Object, _cache, new OAuthOptions { DiscoveryCacheTtl = ttl });

    private static OAuthDiscovery Discovery(string issuer) =>
        new("https://mcp.example.com/mcp", issuer, issuer + "/authorize", issuer + "/token", issuer + "/register", null, [], ["S256"], false, null);
}
