using McpPlatform.Api.Http;
using McpPlatform.Domain.Connections;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Features.Connections;

/// <summary>
/// <c>GET /api/mcp/connection/status</c> (<see cref="ConnectionStatusResponse"/>'s shape) from the idle members of
/// the kept parts of the caller's listing, rendered once per part (<see cref="ListingRenderer"/>), with the few
/// servers whose state differs for this caller put in their place, and a strong ETag for the SPA's polling.
/// </summary>
public sealed class ConnectionStatusResponses(IOptions<Microsoft.AspNetCore.Mvc.JsonOptions> json)
{
    private static readonly ReadOnlyMemory<byte> Open = """{"success":true,"connectionStatus":{"""u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Close = "}}"u8.ToArray();

    private readonly ListingRenderer _renderer = new(view => Wire(ServerStatus.IdleOf(view)), json.Value.JsonSerializerOptions);

    public JsonSegmentsResult Render(StatusListing statuses)
    {
        var (members, hash) = _renderer.Render(statuses.Servers, statuses.Differing.ToDictionary(kv => kv.Key, kv => (object)Wire(kv.Value)));
        return new JsonSegmentsResult(EntityTags.Of(hash), [Open, .. members, Close]);
    }

    private static ServerConnectionStatus Wire(ServerStatus status) => new(status.RequiresOAuth, ConnectionStates.ToWire(status.State), status.Error);
}
