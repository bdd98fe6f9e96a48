using System.Text;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using Microsoft.Net.Http.Headers;

namespace McpPlatform.Api.Validation;

/// <summary>
/// The one place where text PostgreSQL cannot store (<see cref="StorableText"/>) is refused, for every route: in a
/// query parameter's name or value, a route value, the caller's token claims (recorded as the user and their groups,
/// so also no longer than their columns) and any string of a JSON body, member names included. The answer is a 400
/// ProblemDetails naming the parameter or the body member, shaped like every other validation failure. Runs after
/// authentication (claims) and routing (route values), before the principal recorder, the first to use the database.
/// </summary>
public sealed class StorableTextMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var failure = InQuery(context.Request) ?? InRouteValues(context.Request) ?? InClaims(context);
        var fromBody = false;
        if (failure is null && IsJson(context.Request, out var encoding))
        {
            failure = await InJsonBodyAsync(context.Request, encoding, context.RequestAborted);
            fromBody = true;
        }

        if (failure is not null)
        {
            var message = fromBody ? context.GetEndpoint()?.Metadata.GetMetadata<InvalidBodyMessageAttribute>()?.Message ?? "Invalid request" : "Invalid request";
            await Problems.WriteAsync(context, Error.Validation(message, [failure]));
            return;
        }

        await next(context);
    }

    private static FieldError? InQuery(HttpRequest request)
    {
        if (!request.QueryString.HasValue)
        {
            return null;
        }

        foreach (var (name, values) in request.Query)
        {
            if (StorableText.Problem(name) is { } nameProblem)
            {
                return new FieldError(LogValue.Sanitize(name), $"Query parameter names {nameProblem}", StorableText.Code);
            }

            foreach (var value in values)
            {
                if (StorableText.Problem(value) is { } problem)
                {
                    var field = LogValue.Sanitize(name);
                    return new FieldError(field, $"{field} {problem}", StorableText.Code);
                }
            }
        }

        return null;
    }

    /// <summary>Kestrel and TestServer refuse a decoded NUL in the path before routing, but other escapes in a path are
    /// decoded into route values (an invalid UTF-8 sequence stays as it was sent); checked here too, so that the rule
    /// does not hang on the server in front.</summary>
    private static FieldError? InRouteValues(HttpRequest request)
    {
        foreach (var (name, value) in request.RouteValues)
        {
            if (value is string text && StorableText.Problem(text) is { } problem)
            {
                return new FieldError(name, $"{name} {problem}", StorableText.Code);
            }
        }

        return null;
    }

    /// <summary>The token is signed, but by an issuer that may put anything into a claim, and the claims are stored
    /// (the user, their groups): in columns of <see cref="ClaimLimits"/>' sizes.</summary>
    private static FieldError? InClaims(HttpContext context)
    {
        if (context.FindCaller() is not { } caller)
        {
            return null;
        }

        foreach (var (claim, value, limit) in new[]
                 {
                     ("sub", caller.UserId, ClaimLimits.Id), ("name", caller.Name, ClaimLimits.Name), ("email", caller.Email, ClaimLimits.Email),
                     ("role", caller.Role, ClaimLimits.Role),
                 }.Concat(caller.Groups.Select(g => ("groups", (string?)g, ClaimLimits.Id))))
        {
            if ((StorableText.Problem(value) ?? (value?.Length > limit ? $"must be at most {limit} characters" : null)) is { } problem)
            {
                return new FieldError($"token.{claim}", $"The token's {claim} claim {problem}", StorableText.Code);
            }
        }

        return null;
    }

    /// <summary>A JSON body, in any charset the JSON input formatter accepts (it transcodes UTF-16 itself).</summary>
    private static bool IsJson(HttpRequest request, out Encoding? encoding)
    {
        encoding = null;
        if (request.ContentLength == 0 || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return false;
        }

        if (!type.SubType.Equals("json", StringComparison.OrdinalIgnoreCase) && !type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            encoding = type.Encoding;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // A charset .NET does not know (UTF-7): the input formatter answers 415 for it; read as UTF-8 meanwhile.
        }

        return true;
    }

    /// <summary>Reads the whole body (Kestrel bounds it at <c>PlatformApp.MaxRequestBodyBytes</c>) and puts it back for
    /// model binding.</summary>
    private static async Task<FieldError?> InJsonBodyAsync(HttpRequest request, Encoding? encoding, CancellationToken ct)
    {
        var buffer = new MemoryStream(request.ContentLength is > 0 and <= Hosting.PlatformApp.MaxRequestBodyBytes ? (int)request.ContentLength : 0);
        await request.Body.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        request.Body = buffer;
        request.HttpContext.Response.RegisterForDispose(buffer);
        return Find(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), encoding);
    }

    private static FieldError? Find(ReadOnlySpan<byte> body, Encoding? encoding)
    {
        if (encoding is not null && encoding.CodePage != Encoding.UTF8.CodePage)
        {
            body = Encoding.UTF8.GetBytes(encoding.GetString(body));
        }

        // The input formatter skips a UTF-8 byte order mark; the reader does not.
        var failure = StorableText.FindInJson(body.StartsWith(Encoding.UTF8.Preamble) ? body[Encoding.UTF8.Preamble.Length..] : body);
        return failure is null || failure.Path == "$" ? failure : failure with { Path = ValidationFilter.NormalisePath(failure.Path) };
    }
}
