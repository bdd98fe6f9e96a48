using McpPlatform.Domain.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace McpPlatform.Api.Errors;

/// <summary>
/// The one mapping from domain errors to responses: RFC 9457 ProblemDetails that also carry LibreChat's
/// <c>error</c> / <c>message</c> members (and <c>details</c> / <c>errors</c> where LibreChat has them). The status
/// always comes from the error's <see cref="ErrorKind"/>; callers never choose one.
/// </summary>
public static class Problems
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.UpstreamFailed => StatusCodes.Status502BadGateway,
        ErrorKind.UpstreamTimeout => StatusCodes.Status504GatewayTimeout,
        ErrorKind.Internal => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemDetails From(Error error, HttpContext? context = null) =>
        Create(StatusOf(error.Kind), error, context);

    /// <summary>The error as an MVC result (controllers and filters).</summary>
    public static ObjectResult Result(Error error, HttpContext context) => new(From(error, context))
    {
        StatusCode = StatusOf(error.Kind),
        ContentTypes = { "application/problem+json" },
    };

    /// <summary>Writes the error outside MVC (authentication, authorization, rate limiting, middleware, the exception
    /// handler).</summary>
    public static Task WriteAsync(HttpContext context, Error error) => WriteAsync(context, From(error, context));

    /// <summary>
    /// Describes a status the framework has already given the response and that no <see cref="ErrorKind"/> stands for,
    /// because it is about HTTP rather than the platform's rules: an unmatched route (404) or method (405), or
    /// Kestrel's verdict on the request itself (a body over the limit 413, too slow 408, malformed 400). The status
    /// stays as it is; <paramref name="error"/> and <paramref name="message"/> are LibreChat's members.
    /// </summary>
    public static Task DescribeStatusAsync(HttpContext context, string error, string? message = null) =>
        // The error's kind is not read here: the status is the one the response already has.
        WriteAsync(context, Create(context.Response.StatusCode, new Error(ErrorKind.Validation, error, message), context));

    private static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status!.Value;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }

    private static ProblemDetails Create(int status, Error error, HttpContext? context)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = ReasonPhrases.GetReasonPhrase(status),
            Detail = error.Message ?? error.ErrorText ?? error.Details,
            Instance = context?.Request.Path,
        };
        if (error.ErrorText is not null)
        {
            problem.Extensions["error"] = error.ErrorText;
        }

        if (error.Message is not null)
        {
            problem.Extensions["message"] = error.Message;
        }

        if (error.Details is not null)
        {
            problem.Extensions["details"] = error.Details;
        }

        if (error.Errors is not null)
        {
            problem.Extensions["errors"] = error.Errors.Select(e => new { path = e.Path, message = e.Message, code = e.Code }).ToArray();
        }

        foreach (var (key, value) in error.Extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        if (context is not null)
        {
            problem.Extensions["traceId"] = context.TraceIdentifier;
            if (error.Extensions?.TryGetValue("retryAfterSeconds", out var retryAfter) == true)
            {
                context.Response.Headers.RetryAfter = Convert.ToString(retryAfter, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return problem;
    }
}
