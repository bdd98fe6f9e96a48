using McpPlatform.Api.Http;
using McpPlatform.Domain.Servers;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Features.Servers;

/// <summary>The unpaged server list (LibreChat's name → server map), from members rendered once per kept part of the
/// listing (<see cref="ListingRenderer"/>), with a strong ETag.</summary>
public sealed class ServerMapResponses(IOptions<Microsoft.AspNetCore.Mvc.JsonOptions> json)
{
    private static readonly ReadOnlyMemory<byte> Open = "{"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Close = "}"u8.ToArray();

    private readonly ListingRenderer _renderer = new(McpServerResponse.From, json.Value.JsonSerializerOptions);

    public JsonSegmentsResult Render(ServerListing listing)
    {
        var (members, hash) = _renderer.Render(listing);
        return new JsonSegmentsResult(EntityTags.Of(hash), [Open, .. members, Close]);
    }
}
