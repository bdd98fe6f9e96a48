using System.Text.Json;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Features.Connections;

/// <summary>
/// <c>GET /api/mcp/tools</c> as JSON, rendered once per set of principals and served again while no change touched
/// what it was built from; bounded in bytes, each entry expiring after <see cref="MaxAge"/>
/// (docs/decisions/0034-tool-catalogue-rendered-per-revision.md).
/// </summary>
public sealed class ToolCatalogResponses(IOptions<Microsoft.AspNetCore.Mvc.JsonOptions> json) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private const long MaxBytes = 64L * 1024 * 1024;

    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = MaxBytes });

    public async Task<byte[]> GetAsync(Caller caller, ToolCatalogService catalog, CancellationToken ct)
    {
        // The catalogue depends on the caller's principals (what they may see) and user id (their connections).
        var key = string.Join('\u001f', caller.Principals);
        if (_entries.TryGetValue(key, out Entry? entry) && await catalog.IsCurrentAsync(caller.Principals, entry!.ServerNames, entry.Revision, ct))
        {
            return entry.Json;
        }

        var built = await catalog.ListAsync(caller, ct);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new ToolsResponse(built.Servers.ToDictionary(s => s.Name, ServerToolsResponse.From)), json.Value.JsonSerializerOptions);
        _entries.Set(key, new Entry([.. built.Servers.Select(s => s.Name)], built.Revision, body),
            new MemoryCacheEntryOptions { Size = body.Length, AbsoluteExpirationRelativeToNow = MaxAge });
        return body;
    }

    public void Dispose() => _entries.Dispose();

    private sealed record Entry(string[] ServerNames, CatalogRevision Revision, byte[] Json);
}
