using System.Net;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>A response's content, with the same headers, whose body is read through a <see cref="BoundedMessageStream"/>
/// however the reader asks for it (as a stream, or buffered as a string).</summary>
internal sealed class BoundedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly Func<Stream, Stream> _bound;

    public BoundedContent(HttpContent inner, Func<Stream, Stream> bound)
    {
        _inner = inner;
        _bound = bound;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken);
        await source.CopyToAsync(stream, cancellationToken);
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        _bound(await _inner.ReadAsStreamAsync(cancellationToken));

    protected override bool TryComputeLength(out long length)
    {
        // Only a Content-Length the server sent counts (copied with the headers); nothing is computed.
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
