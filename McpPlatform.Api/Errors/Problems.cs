using McpPlatform.Domain.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace McpPlatform.Api.Errors;

/// <summary>
/// The one mapping from domain errors to responses: RFC 9457 ProblemDetails that also carry LibreChat's
/// <c>error</c> / <c>message</c> members (and <c>details</c> / <c>errors</c> where LibreChat has them).
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
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemDetails From(Error error, HttpContext? context = null) =>
        Create(StatusOf(error.Kind), error, context);

    public static ProblemDetails Create(int status, Error error, HttpContext? context = null)
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

    public static ObjectResult Result(Error error, HttpContext context) => AsResult(From(error, context));

    public static ObjectResult AsResult(ProblemDetails problem) => new(problem)
    {
        StatusCode = problem.Status,
        ContentTypes = { "application/problem+json" },
    };

    /// <summary>Writes a problem outside MVC (authentication, authorization, exception handler).</summary>
    public static Task WriteAsync(HttpContext context, int status, Error error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Create(status, error, context), (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }
}
