using System.Net;
using McpPlatform.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace McpPlatform.Tests.Unit;

/// <summary>The SSRF rule for outbound URLs. Only IP literals and localhost, so no DNS is needed.</summary>
public sealed class OutboundUrlPolicyTests
{
    private static OutboundUrlPolicy Policy(bool allowPrivate = false, params string[] allowed) =>
        new(Options.Create(new SecurityOptions { AllowPrivateNetworks = allowPrivate, AllowedOutboundHosts = [.. allowed] }));

    private static Task<string?> CheckAsync(OutboundUrlPolicy policy, string url) => policy.CheckAsync(new Uri(url), CancellationToken.None);

    [TestCase("http://127.0.0.1/mcp")]
    [TestCase("http://127.1.2.3:8080/mcp")]
    [TestCase("http://localhost/mcp")]
    [TestCase("http://LOCALHOST:3000/mcp")]
    [TestCase("http://api.localhost/mcp")]
    [TestCase("http://10.0.0.5/mcp")]
    [TestCase("http://172.16.0.1/mcp")]
    [TestCase("http://172.31.255.255/mcp")]
    [TestCase("http://192.168.1.1/mcp")]
    [TestCase("http://169.254.169.254/latest/meta-data")]
    [TestCase("http://100.64.0.1/mcp")]
    [TestCase("http://0.0.0.0/mcp")]
    [TestCase("http://224.0.0.1/mcp")]
    [TestCase("http://[::1]/mcp")]
    [TestCase("http://[::]/mcp")]
    [TestCase("http://[fd00::1]/mcp")]
    [TestCase("http://[fe80::1]/mcp")]
    [TestCase("http://[::ffff:127.0.0.1]/mcp")]
    [TestCase("http://[::ffff:169.254.169.254]/mcp")]
    [TestCase("https://2130706433/mcp")] // 127.0.0.1 as one decimal number
    [TestCase("https://0x7f.1/mcp")]
    public async Task PrivateLoopbackLinkLocalAndMetadata_AreRefused(string url)
    {
        var reason = await CheckAsync(Policy(), url);

        Assert.That(reason, Is.EqualTo("The URL was refused by the outbound address policy"), "never the address or its kind: no oracle for internal DNS");
    }

    [TestCase("https://8.8.8.8/mcp")]
    [TestCase("http://1.1.1.1:8080/mcp")]
    [TestCase("https://172.32.0.1/mcp")]
    [TestCase("https://172.15.255.255/mcp")]
    [TestCase("https://192.169.0.1/mcp")]
    [TestCase("https://100.128.0.1/mcp")]
    [TestCase("https://[2001:4860:4860::8888]/mcp")]
    public async Task PublicAddresses_AreAllowed(string url)
    {
        Assert.That(await CheckAsync(Policy(), url), Is.Null);
    }

    [TestCase("ftp://8.8.8.8/file")]
    [TestCase("file:///etc/passwd")]
    [TestCase("ws://8.8.8.8/mcp")]
    [TestCase("gopher://8.8.8.8/")]
    public async Task NonHttpSchemes_AreRefused(string url)
    {
        Assert.That(await CheckAsync(Policy(), url), Is.EqualTo("Only http and https URLs are allowed"));
    }

    [Test]
    public async Task NonHttpScheme_IsRefusedEvenWhenPrivateNetworksAreAllowed()
    {
        Assert.That(await CheckAsync(Policy(allowPrivate: true), "ftp://127.0.0.1/"), Is.Not.Null);
    }

    [TestCase("http://127.0.0.1/mcp")]
    [TestCase("http://localhost:5000/mcp")]
    [TestCase("http://169.254.169.254/")]
    [TestCase("http://[::1]/")]
    public async Task AllowPrivateNetworks_AllowsThem(string url)
    {
        Assert.That(await CheckAsync(Policy(allowPrivate: true), url), Is.Null);
    }

    [Test]
    public async Task AllowedHostName_AllowsThatHostOnly()
    {
        var policy = Policy(false, "localhost");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CheckAsync(policy, "http://localhost:1234/mcp"), Is.Null);
            Assert.That(await CheckAsync(policy, "http://127.0.0.1/mcp"), Is.Not.Null);
        }
    }

    [Test]
    public async Task AllowedHostAndPort_AllowsThatPortOnly()
    {
        var policy = Policy(false, "10.1.2.3:8443");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CheckAsync(policy, "https://10.1.2.3:8443/mcp"), Is.Null);
            Assert.That(await CheckAsync(policy, "https://10.1.2.3/mcp"), Is.Not.Null);
            Assert.That(await CheckAsync(policy, "http://10.1.2.3:8444/mcp"), Is.Not.Null);
        }
    }

    [Test]
    public async Task AllowedHostAndPort_MatchesTheDefaultPort()
    {
        Assert.That(await CheckAsync(Policy(false, "10.1.2.3:443"), "https://10.1.2.3/mcp"), Is.Null);
    }

    [Test]
    public async Task AllowedCidr_AllowsAddressesInsideOnly()
    {
        var policy = Policy(false, "10.0.0.0/8");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CheckAsync(policy, "http://10.20.30.40/mcp"), Is.Null);
            Assert.That(await CheckAsync(policy, "http://192.168.0.1/mcp"), Is.Not.Null);
            Assert.That(await CheckAsync(policy, "http://127.0.0.1/mcp"), Is.Not.Null);
        }
    }

    [Test]
    public async Task AllowedSingleAddress_AllowsThatAddress()
    {
        var policy = Policy(false, "fd00::1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CheckAsync(policy, "http://[fd00::1]/mcp"), Is.Null);
            Assert.That(await CheckAsync(policy, "http://[fd00::2]/mcp"), Is.Not.Null);
        }
    }

    [TestCase("http://[64:ff9b::a00:1]/mcp")] // NAT64 well-known prefix + 10.0.0.1
    [TestCase("http://[64:ff9b::a9fe:a9fe]/mcp")] // NAT64 well-known prefix + 169.254.169.254
    public async Task Nat64EmbeddedPrivateAddresses_AreRefused(string url)
    {
        Assert.That(await CheckAsync(Policy(), url), Is.Not.Null);
    }

    [TestCase("127.0.0.1", true)]
    [TestCase("10.255.255.255", true)]
    [TestCase("198.18.0.1", true)]
    [TestCase("192.0.0.8", true)]
    [TestCase("255.255.255.255", true)]
    [TestCase("::1", true)]
    [TestCase("fc00::1", true)]
    [TestCase("ff02::1", true)]
    [TestCase("::ffff:10.0.0.1", true)]
    [TestCase("8.8.8.8", false)]
    [TestCase("198.20.0.1", false)]
    [TestCase("2606:4700::1111", false)]
    [TestCase("::ffff:8.8.8.8", false)]
    public void IsPrivate_ClassifiesAddresses(string address, bool expected)
    {
        Assert.That(OutboundUrlPolicy.IsPrivate(IPAddress.Parse(address)), Is.EqualTo(expected));
    }

    [TestCase("https://auth.example.com/token", false, true)]
    [TestCase("http://auth.example.com/token", true, false)]
    [TestCase("http://10.0.0.5/token", true, false)]
    [TestCase("http://localhost:4000/token", false, false)]
    [TestCase("http://localhost:4000/token", true, true)]
    [TestCase("http://127.0.0.1:4000/token", true, true)]
    [TestCase("http://[::1]:4000/token", true, true)]
    public void PlainHttp_OnlyToALoopbackHostThePolicyAllows(string url, bool allowPrivate, bool expected) =>
        Assert.That(Policy(allowPrivate).AllowsPlainHttp(new Uri(url)), Is.EqualTo(expected));

    [Test]
    public void PlainHttp_ToAnAllowedLoopbackHostName_IsAccepted() =>
        Assert.That(Policy(false, "localhost").AllowsPlainHttp(new Uri("http://localhost:4000/token")), Is.True);
}
