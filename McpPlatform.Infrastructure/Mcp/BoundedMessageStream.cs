namespace McpPlatform.Infrastructure.Mcp;

/// <summary>
/// A response body read through a count of the current MCP message's bytes, which throws as soon as the count passes
/// the bound — before the reader (the SDK's JSON buffering or its SSE parser) can hold more than one read beyond it.
/// A JSON body is one message; in <c>text/event-stream</c> a message is one event, so the count starts again at each
/// blank line (the end of an event), whichever line ending the server uses.
/// </summary>
internal sealed class BoundedMessageStream(Stream inner, long maxBytes, bool eventStream, Func<Exception> overflow) : Stream
{
    private long _count;
    private bool _atLineStart = true;
    private bool _afterCarriageReturn;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Count(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Count(buffer[..read]);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    private void Count(ReadOnlySpan<byte> bytes)
    {
        if (!eventStream)
        {
            _count += bytes.Length;
            ThrowIfOver();
            return;
        }

        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                _count += bytes.Length;
                _atLineStart = false;
                _afterCarriageReturn = false;
                break;
            }

            if (end > 0)
            {
                _atLineStart = false;
                _afterCarriageReturn = false;
            }

            var terminator = bytes[end];
            _count += end + 1;
            if (terminator == (byte)'\n' && _afterCarriageReturn)
            {
                // The LF of a CRLF: the line ended at the CR.
                _afterCarriageReturn = false;
            }
            else if (_atLineStart)
            {
                // A blank line ends the event: the next message starts here.
                _count = 0;
                _afterCarriageReturn = terminator == (byte)'\r';
            }
            else
            {
                _atLineStart = true;
                _afterCarriageReturn = terminator == (byte)'\r';
            }

            ThrowIfOver();
            bytes = bytes[(end + 1)..];
        }

        ThrowIfOver();
    }

    private void ThrowIfOver()
    {
        if (_count > maxBytes)
        {
            throw overflow();
        }
    }
}
