using System.Net;
using System.Net.Sockets;
using McpPlatform.Domain.Servers;
using Microsoft.Extensions.Options;

namespace McpPlatform.Infrastructure.Security;

/// <summary>
/// The SSRF rule for outbound URLs: http(s) only, and no private, loopback, link-local, CGNAT or metadata address
/// unless allowed by configuration. At save time the host is resolved with a short timeout; a name that does not
/// resolve yet is accepted (the connect-time check on the resolved address is the one that counts).
/// </summary>
public sealed class OutboundUrlPolicy(IOptions<SecurityOptions> options) : IOutboundUrlPolicy
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(2);

    public async Task<string?> CheckAsync(Uri url, CancellationToken ct)
    {
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            return "Only http and https URLs are allowed";
        }

        var settings = options.Value;
        if (settings.AllowPrivateNetworks || IsAllowedHost(url, settings.AllowedOutboundHosts))
        {
            return null;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(url.DnsSafeHost, out var literal))
        {
            addresses = [literal];
        }
        else if (url.DnsSafeHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) || url.DnsSafeHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            addresses = [IPAddress.Loopback];
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ResolveTimeout);
            try
            {
                addresses = await Dns.GetHostAddressesAsync(url.DnsSafeHost, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return null;
            }
        }

        if (addresses.Any(a => IsPrivate(a) && !IsAllowedAddress(a, settings.AllowedOutboundHosts)))
        {
            Domain.Telemetry.PlatformTelemetry.SsrfRefusals.Add(1, Domain.Telemetry.PlatformTelemetry.Tag("stage", "save"));
            return RefusedMessage;
        }

        return null;
    }

    /// <summary>What a refusal says, at save time and at connect time alike. Never the address a name resolved to, nor
    /// which kind of private range it was in: either would make the platform an oracle for internal DNS.</summary>
    public const string RefusedMessage = "The URL was refused by the outbound address policy";

    public bool AllowsPlainHttp(Uri url)
    {
        if (url.Scheme == Uri.UriSchemeHttps)
        {
            return true;
        }

        var host = url.DnsSafeHost;
        var address = IPAddress.TryParse(host, out var literal) ? literal : null;
        var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (address is not null && IPAddress.IsLoopback(address));
        var settings = options.Value;
        return url.Scheme == Uri.UriSchemeHttp && loopback
            && (settings.AllowPrivateNetworks || IsAllowedHost(url, settings.AllowedOutboundHosts) || (address is not null && IsAllowedAddress(address, settings.AllowedOutboundHosts)));
    }

    /// <summary>The connect-time rule, applied to the address a host name actually resolved to.</summary>
    public bool MayConnect(string host, int port, IPAddress address)
    {
        var settings = options.Value;
        return settings.AllowPrivateNetworks
            || !IsPrivate(address)
            || settings.AllowedOutboundHosts.Any(entry => entry.Equals(host, StringComparison.OrdinalIgnoreCase) || entry.Equals($"{host}:{port}", StringComparison.OrdinalIgnoreCase))
            || IsAllowedAddress(address, settings.AllowedOutboundHosts);
    }

    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        var bytes6 = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && bytes6[0] == 0x00 && bytes6[1] == 0x64 && bytes6[2] == 0xff && bytes6[3] == 0x9b && bytes6[4..12].All(b => b == 0))
        {
            // NAT64 (64:ff9b::/96) carries an IPv4 address in its last four bytes: judge that one.
            return IsPrivate(new IPAddress(bytes6[12..]));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        }

        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] >= 64 && b[1] <= 127,     // CGNAT 100.64/10
            169 => b[1] == 254,                   // link-local, cloud metadata
            172 => b[1] >= 16 && b[1] <= 31,
            192 => (b[1] == 168) || (b[1] == 0 && b[2] == 0),
            198 => b[1] == 18 || b[1] == 19,      // benchmarking 198.18/15
            >= 224 => true,                       // multicast and reserved
            _ => false,
        };
    }

    private static bool IsAllowedHost(Uri url, IEnumerable<string> allowed) =>
        allowed.Any(entry =>
            entry.Equals(url.Host, StringComparison.OrdinalIgnoreCase)
            || entry.Equals($"{url.Host}:{url.Port}", StringComparison.OrdinalIgnoreCase));

    private static bool IsAllowedAddress(IPAddress address, IEnumerable<string> allowed) =>
        allowed.Any(entry => IPNetwork.TryParse(entry, out var network) ? network.Contains(address) : IPAddress.TryParse(entry, out var single) && single.Equals(address));
}
