using McpPlatform.Api.Http;
using McpPlatform.Domain.Connections;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Features.Connections;

/// <summary>
/// <c>GET /api/mcp/tools</c> (<see cref="ToolsResponse"/>'s shape) from the idle entries of the kept parts of the
/// caller's listing, rendered once per part (<see cref="ListingRenderer"/>), with the servers that have tools or
/// variables put in their place, and a strong ETag.
/// </summary>
public sealed class ToolCatalogResponses(IOptions<Microsoft.AspNetCore.Mvc.JsonOptions> json)
{
    private static readonly ReadOnlyMemory<byte> Open = """{"servers":{"""u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Close = "}}"u8.ToArray();

    private readonly ListingRenderer _renderer = new(
        view => ServerToolsResponse.From(ToolCatalogService.IdleOf(view)), json.Value.JsonSerializerOptions, tools => ServerToolsResponse.From((ServerTools)tools));

    public JsonSegmentsResult Render(ToolListing tools)
    {
        // The entries of servers with cached tools come back as the same objects while unchanged (ToolEntryMemo).
        var (members, hash) = _renderer.Render(tools.Servers, tools.Differing.ToDictionary(kv => kv.Key, kv => (object)kv.Value));
        return new JsonSegmentsResult(EntityTags.Of(hash), [Open, .. members, Close]);
    }
}
