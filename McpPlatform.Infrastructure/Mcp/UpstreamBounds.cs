using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>
/// What one session's MCP server can make the platform hold, bounded on every HTTP exchange of the session (streamable
/// HTTP and SSE alike) before the SDK sees it: each message's size — a JSON body, or one SSE event — counted as it is
/// read (<see cref="BoundedMessageStream"/>), and the time of the DELETE that ends the session, which the SDK sends
/// with no deadline of its own (a server that never answered it would hold whatever waits for the session to close).
/// The first message over the bound breaks the session: the transport may have lost a message, so nothing on it can
/// be trusted to complete. Never disposed, like <see cref="ChallengeRecorder"/>: the shared inner handler stays open.
/// </summary>
internal sealed class UpstreamBounds(HttpMessageHandler inner, long maxMessageBytes) : DelegatingHandler(inner)
{
    /// <summary>How long the DELETE that ends a session may take.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _broken = new();
    private UpstreamFault? _overflow;

    /// <summary>Cancelled at the first message over the bound.</summary>
    public CancellationToken Broken => _broken.Token;

    /// <summary>The first message over the bound, if there was one.</summary>
    public UpstreamFault? Overflow => Volatile.Read(ref _overflow);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        if (request.Method == HttpMethod.Delete)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(CloseGrace);
            response = await base.SendAsync(request, deadline.Token);
        }
        else
        {
            response = await base.SendAsync(request, cancellationToken);
        }

        var eventStream = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        if (!eventStream && response.Content.Headers.ContentLength > maxMessageBytes)
        {
            // Announced too large: not a byte of it is read.
            response.Dispose();
            throw Overflowed();
        }

        response.Content = new BoundedContent(response.Content, body => new BoundedMessageStream(body, maxMessageBytes, eventStream, Overflowed));
        return response;
    }

    private UpstreamFault Overflowed()
    {
        var overflow = new UpstreamFault(UpstreamErrors.TooLarge(
            $"the server sent a message larger than {maxMessageBytes} bytes (Mcp:MaxMessageBytes)"));
        if (Interlocked.CompareExchange(ref _overflow, overflow, null) is null)
        {
            // Callbacks run elsewhere: this runs inside a read of the transport, which is about to throw anyway.
            _ = _broken.CancelAsync();
        }

        return _overflow!;
    }
}
