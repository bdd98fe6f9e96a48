using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Api.Http;

/// <summary>
/// JSON members (<c>"name":{…}</c>) for every server of a <see cref="ServerListing"/>, rendered once per part: the
/// registry hands back the same part objects while nothing they cover changes (the public servers shared by every
/// caller, each caller's own), so a part's members are rendered the first time it is listed and kept as long as the
/// part is. A request merges the parts by name, copying runs of members whole, and puts in the members that differ
/// for this caller (<c>overrides</c>, by server name; each is turned into its wire value by <c>wireOf</c> and its member
/// kept as long as the override object lives, so an override object handed out again is not rendered again). The
/// hash covers exactly the bytes written.
/// </summary>
public sealed class ListingRenderer(Func<ServerView, object> valueOf, JsonSerializerOptions json, Func<object, object>? wireOf = null)
{
    private static readonly ReadOnlyMemory<byte> Comma = ","u8.ToArray();

    private readonly ConditionalWeakTable<IReadOnlyList<ServerView>, RenderedPart> _parts = [];
    private readonly ConditionalWeakTable<object, byte[]> _overrides = [];

    public (List<ReadOnlyMemory<byte>> Members, byte[] Hash) Render(ServerListing listing, IReadOnlyDictionary<string, object>? overrides = null)
    {
        // App-level views are made afresh for every listing (a few): rendered each time rather than kept.
        var app = RenderPart(listing.App);
        var everyone = _parts.GetValue(listing.Everyone, RenderPart);
        var own = _parts.GetValue(listing.Own, RenderPart);
        var pieces = new List<ReadOnlyMemory<byte>>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var writer = new PieceWriter(pieces, hash, overrides, this);

        writer.Run(app, 0, app.Count);
        var (i, j) = (0, 0);
        while (i < everyone.Count || j < own.Count)
        {
            // The run of shared members before the next own one goes out in one piece (split where an override falls).
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

                writer.Run(everyone, i, run);
                i = run;
                continue;
            }

            writer.Run(own, j, j + 1);
            j++;
        }

        hash.AppendData(app.Hash);
        hash.AppendData(everyone.Hash);
        hash.AppendData(own.Hash);
        return (pieces, hash.GetHashAndReset());
    }

    private object WireOf(object value) => wireOf is null ? value : wireOf(value);

    private byte[] RenderMember(string name, object value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Encoder, SkipValidation = true }))
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, value, value.GetType(), json);
        }

        return buffer.ToArray();
    }

    private RenderedPart RenderPart(IReadOnlyList<ServerView> views)
    {
        using var buffer = new MemoryStream();
        var starts = new int[views.Count + 1];
        var names = new string[views.Count];
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Encoder, SkipValidation = true }))
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
                var value = valueOf(views[i]);
                JsonSerializer.Serialize(writer, value, value.GetType(), json);
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

    /// <summary>Appends runs of members with commas between them, putting overrides in place of the members they name.</summary>
    private sealed class PieceWriter(List<ReadOnlyMemory<byte>> pieces, IncrementalHash hash, IReadOnlyDictionary<string, object>? overrides, ListingRenderer renderer)
    {
        public void Run(RenderedPart part, int from, int to)
        {
            if (overrides is { Count: > 0 })
            {
                for (var k = from; k < to; k++)
                {
                    if (overrides.TryGetValue(part.Names[k], out var value))
                    {
                        Add(part, from, k);
                        var name = part.Names[k];
                        var member = renderer._overrides.GetValue(value, v => renderer.RenderMember(name, renderer.WireOf(v)));
                        hash.AppendData(member);
                        Add(member);
                        from = k + 1;
                    }
                }
            }

            Add(part, from, to);
        }

        private void Add(RenderedPart part, int from, int to)
        {
            if (from < to)
            {
                Add(part.Members(from, to));
            }
        }

        private void Add(ReadOnlyMemory<byte> members)
        {
            if (pieces.Count > 0)
            {
                pieces.Add(Comma);
            }

            pieces.Add(members);
        }
    }
}
