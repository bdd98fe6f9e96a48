using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using McpPlatform.Api.Http;
using McpPlatform.Domain.Servers;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace McpPlatform.Api.Features.Servers;

/// <summary>
/// The unpaged server list (LibreChat's name → server map) from parts rendered once: the registry hands back the same
/// list objects while nothing they cover changes (<see cref="ServerListing"/>: the public servers shared by every
/// caller, each caller's own), so each part's JSON is rendered the first time it is listed and kept as long as the
/// part is. A request merges the two parts by name, copying runs of the shared part whole. The entity tag hashes the
/// parts' hashes, so it changes exactly when the bytes do.
/// </summary>
public sealed class ServerMapResponses(IOptions<Microsoft.AspNetCore.Mvc.JsonOptions> json)
{
    private static readonly ReadOnlyMemory<byte> Open = "{"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Close = "}"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Comma = ","u8.ToArray();

    private readonly ConditionalWeakTable<IReadOnlyList<ServerView>, RenderedPart> _parts = [];

    public JsonSegmentsResult Render(ServerListing listing)
    {
        // App-level views are made afresh for every listing (a few): rendered each time rather than kept.
        var app = RenderPart(listing.App);
        var everyone = _parts.GetValue(listing.Everyone, RenderPart);
        var own = _parts.GetValue(listing.Own, RenderPart);

        var pieces = new List<ReadOnlyMemory<byte>> { Open };
        Append(pieces, app, 0, app.Count);
        var (i, j) = (0, 0);
        while (i < everyone.Count || j < own.Count)
        {
            // The run of shared members that come before the next own one goes out in one piece.
            var run = i;
            while (run < everyone.Count && (j == own.Count || string.CompareOrdinal(everyone.Names[run], own.Names[j]) <= 0))
            {
                run++;
            }

            if (run > i)
            {
                // A server both public and the caller's is written once (from the shared part).
                if (j < own.Count && everyone.Names[run - 1] == own.Names[j])
                {
                    j++;
                }

                Append(pieces, everyone, i, run);
                i = run;
                continue;
            }

            Append(pieces, own, j, j + 1);
            j++;
        }

        pieces.Add(Close);
        using var tag = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        tag.AppendData(app.Hash);
        tag.AppendData(everyone.Hash);
        tag.AppendData(own.Hash);
        return new JsonSegmentsResult(new EntityTagHeaderValue($"\"{Convert.ToBase64String(tag.GetHashAndReset(), 0, 18)}\""), pieces);
    }

    /// <summary>Members <paramref name="from"/> up to (not including) <paramref name="to"/> of a part, after a comma
    /// unless they are the first in the object.</summary>
    private static void Append(List<ReadOnlyMemory<byte>> pieces, RenderedPart part, int from, int to)
    {
        if (from >= to)
        {
            return;
        }

        if (pieces.Count > 1)
        {
            pieces.Add(Comma);
        }

        pieces.Add(part.Members(from, to));
    }

    private RenderedPart RenderPart(IReadOnlyList<ServerView> views)
    {
        using var buffer = new MemoryStream();
        var starts = new int[views.Count + 1];
        var names = new string[views.Count];
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Value.JsonSerializerOptions.Encoder, SkipValidation = true }))
        {
            for (var i = 0; i < views.Count; i++)
            {
                // Each member is written as a fresh top-level property, the comma between them by hand.
                writer.Flush();
                writer.Reset();
                if (i > 0)
                {
                    buffer.WriteByte((byte)',');
                }

                starts[i] = (int)buffer.Length;
                names[i] = views[i].Name;
                writer.WritePropertyName(views[i].Name);
                JsonSerializer.Serialize(writer, McpServerResponse.From(views[i]), json.Value.JsonSerializerOptions);
            }
        }

        starts[views.Count] = (int)buffer.Length;
        var bytes = buffer.ToArray();
        return new RenderedPart(bytes, starts, names, SHA256.HashData(bytes));
    }

    /// <summary>A part's members as one JSON text (<c>"a":{…},"b":{…}</c>), where each member starts, and a hash.</summary>
    private sealed record RenderedPart(byte[] Json, int[] Starts, string[] Names, byte[] Hash)
    {
        public int Count => Names.Length;

        /// <summary>Members <paramref name="from"/>…<paramref name="to"/> − 1 with the commas between them.</summary>
        public ReadOnlyMemory<byte> Members(int from, int to) => Json.AsMemory(Starts[from], Starts[to] - Starts[from] - (to < Count ? 1 : 0));
    }
}
