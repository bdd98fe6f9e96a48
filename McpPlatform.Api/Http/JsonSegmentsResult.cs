using System.Buffers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace McpPlatform.Api.Http;

/// <summary>
/// A JSON object written from pre-rendered members (<c>"name":{…}</c>) with a strong entity tag: a client that
/// sends the tag back in <c>If-None-Match</c> (browsers do so by themselves) gets 304 without a body; otherwise the
/// members are copied to the response as they are, with its length known in advance.
/// </summary>
public sealed class JsonSegmentsResult(EntityTagHeaderValue entityTag, IReadOnlyList<byte[]> members) : IActionResult
{
    private const int FlushEvery = 64 * 1024;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var request = context.HttpContext.Request;
        var response = context.HttpContext.Response;
        response.Headers.ETag = entityTag.ToString();
        // Private: a shared cache must not hand one caller's list to another.
        response.Headers.CacheControl = "private, no-cache";
        if (request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } tags && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(entityTag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        long length = 2 + Math.Max(0, members.Count - 1);
        foreach (var member in members)
        {
            length += member.Length;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = length;
        var writer = response.BodyWriter;
        writer.Write("{"u8);
        var unflushed = 0;
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(","u8);
            }

            writer.Write(members[i]);
            unflushed += members[i].Length;
            if (unflushed >= FlushEvery)
            {
                await writer.FlushAsync(context.HttpContext.RequestAborted);
                unflushed = 0;
            }
        }

        writer.Write("}"u8);
        await writer.FlushAsync(context.HttpContext.RequestAborted);
    }
}
