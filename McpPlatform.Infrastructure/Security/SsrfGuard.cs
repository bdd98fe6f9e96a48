using System.Net;
using System.Net.Sockets;

namespace McpPlatform.Infrastructure.Security;

/// <summary>
/// The one HTTP handler for outbound calls to MCP and OAuth servers: every connection is checked against the
/// address the host name resolved to at connect time (so DNS rebinding cannot slip past a save-time check), and
/// redirects are not followed.
/// </summary>
public static class SsrfGuard
{
    public static SocketsHttpHandler CreateHandler(OutboundUrlPolicy policy) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var port = context.DnsEndPoint.Port;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var refused = addresses.FirstOrDefault(a => !policy.MayConnect(host, port, a));
            if (refused is not null)
            {
                Domain.Telemetry.PlatformTelemetry.SsrfRefusals.Add(1, Domain.Telemetry.PlatformTelemetry.Tag("stage", "connect"));
                throw new OutboundAddressRefusedException();
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
