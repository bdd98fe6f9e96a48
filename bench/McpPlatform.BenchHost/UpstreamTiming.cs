using System.Diagnostics;
using System.Globalization;

namespace McpPlatform.BenchHost;

/// <summary>
/// Benchmark host only: how much of a request's time the platform spent itself and how much it
/// spent waiting for upstream servers (authorization and MCP servers), as a <c>Server-Timing</c> response header
/// <c>platform;dur=…, upstream;dur=…</c> in milliseconds. The OAuth scenario of scripts/bench.sh sums it over a
/// flow's requests: the platform's time per flow, whatever the peer's own speed.
/// </summary>
/// <remarks>
/// Upstream time is the time from sending each outbound request until its response body has been read to the end
/// (or disposed), summed over the request's outbound calls, which follow one another. A standalone server-sent-events
/// stream (<c>GET</c> with <c>Accept: text/event-stream</c>, which an MCP session keeps open for the server's own
/// messages) is not counted: it waits alongside the request rather than in its way.
/// </remarks>
public static class UpstreamTiming
{
    private static readonly AsyncLocal<Accumulator?> Current = new();

    /// <summary>Replaces the outbound handler with one that times every call, and adds the header to every response.</summary>
    public static void AddUpstreamTiming(this IServiceCollection services)
    {
        var outbound = services.Last(d => d.ServiceType == typeof(HttpMessageHandler));
        services.Remove(outbound);
        services.AddSingleton<HttpMessageHandler>(sp => new TimingHandler((HttpMessageHandler)outbound.ImplementationFactory!(sp)));
    }

    public static void UseUpstreamTiming(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var accumulator = new Accumulator();
        Current.Value = accumulator;
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var upstream = TimeSpan.FromTicks(Interlocked.Read(ref accumulator.Ticks)).TotalMilliseconds;
            context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture,
                $"platform;dur={Math.Max(0, total - upstream):F3}, upstream;dur={upstream:F3}");
            return Task.CompletedTask;
        });
        await next(context);
    });

    private sealed class Accumulator
    {
        public long Ticks;

        public void Add(long startTimestamp) => Interlocked.Add(ref Ticks, Stopwatch.GetElapsedTime(startTimestamp).Ticks);
    }

    private sealed class TimingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var accumulator = Current.Value;
            if (accumulator is null || (request.Method == HttpMethod.Get && request.Headers.Accept.Any(a => a.MediaType == "text/event-stream")))
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var started = Stopwatch.GetTimestamp();
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch
            {
                accumulator.Add(started);
                throw;
            }

            response.Content = new TimedContent(response.Content, accumulator, started);
            return response;
        }
    }

    /// <summary>The response body, counted as upstream time until it has been read to the end or disposed.</summary>
    private sealed class TimedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Accumulator _accumulator;
        private readonly long _started;
        private int _counted;

        public TimedContent(HttpContent inner, Accumulator accumulator, long started)
        {
            _inner = inner;
            _accumulator = accumulator;
            _started = started;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            await _inner.CopyToAsync(stream, cancellationToken);
            Count();
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() => new TimedStream(await _inner.ReadAsStreamAsync(), Count);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new TimedStream(await _inner.ReadAsStreamAsync(cancellationToken), Count);

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? 0;
            return _inner.Headers.ContentLength is not null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Count();
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Count()
        {
            if (Interlocked.Exchange(ref _counted, 1) == 0)
            {
                _accumulator.Add(_started);
            }
        }
    }

    private sealed class TimedStream(Stream inner, Action atEnd) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => AtEnd(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            AtEnd(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
                atEnd();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int AtEnd(int read)
        {
            if (read == 0)
            {
                atEnd();
            }

            return read;
        }
    }
}
