using System.Buffers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace McpPlatform.Api.Http;

/// <summary>
/// A JSON body written from pre-rendered pieces with a strong entity tag: a client that sends the tag back in
/// <c>If-None-Match</c> (browsers do so by themselves) gets 304 without a body; otherwise the pieces are copied to the
/// response as they are, with its length known in advance.
/// </summary>
public sealed class JsonSegmentsResult(EntityTagHeaderValue entityTag, IReadOnlyList<ReadOnlyMemory<byte>> pieces) : IActionResult
{
    private const int FlushEvery = 64 * 1024;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var request = context.HttpContext.Request;
        var response = context.HttpContext.Response;
        response.Headers.ETag = entityTag.ToString();
        // Private: a shared cache must not hand one caller's answer to another.
        response.Headers.CacheControl = "private, no-cache";
        if (request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } tags && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(entityTag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        long length = 0;
        foreach (var piece in pieces)
        {
            length += piece.Length;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = length;
        var writer = response.BodyWriter;
        var unflushed = 0;
        foreach (var piece in pieces)
        {
            // Small pieces are gathered and flushed together; large ones go out in slices (a flush each), so that the
            // pipe never holds much more than FlushEvery.
            if (piece.Length < FlushEvery)
            {
                writer.Write(piece.Span);
                unflushed += piece.Length;
                if (unflushed >= FlushEvery)
                {
                    await writer.FlushAsync(context.HttpContext.RequestAborted);
                    unflushed = 0;
                }

                continue;
            }

            for (var at = 0; at < piece.Length; at += FlushEvery)
            {
                await writer.WriteAsync(piece.Slice(at, Math.Min(FlushEvery, piece.Length - at)), context.HttpContext.RequestAborted);
            }

            unflushed = 0;
        }

        await writer.FlushAsync(context.HttpContext.RequestAborted);
    }
}
