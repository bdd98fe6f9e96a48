using System.Globalization;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Servers;
using Microsoft.Net.Http.Headers;

namespace McpPlatform.Api.Features.Servers;

/// <summary>The optional <c>If-Match</c> of a server change, as the version the change expects.</summary>
public static class IfMatchHeader
{
    /// <summary>Absent or <c>*</c>: no precondition (null). Otherwise the version in the (strong or weak) entity tag; a
    /// tag that is not one of ours can never match, so it fails as a mismatch.</summary>
    public static Result<long?> ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return (long?)null;
        }

        if (EntityTagHeaderValue.TryParse(header.Split(',')[0].Trim(), out var tag)
            && long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, null, out var version))
        {
            return (long?)version;
        }

        return ServerErrors.VersionMismatch;
    }
}
