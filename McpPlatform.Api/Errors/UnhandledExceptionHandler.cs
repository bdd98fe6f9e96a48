using McpPlatform.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Npgsql;

namespace McpPlatform.Api.Errors;

/// <summary>
/// The one place exceptions become responses. Nothing internal leaks: the body names the trace id to quote, the log
/// has the exception. A database that cannot be reached is a 503 (retry later), not a 500.
/// </summary>
public sealed partial class UnhandledExceptionHandler(ILogger<UnhandledExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            context.Response.StatusCode = 499;
            return true;
        }

        if (exception is BadHttpRequestException badRequest)
        {
            // Kestrel's verdict on the request itself (malformed, a body over the limit, too slow): its status stands.
            context.Response.StatusCode = badRequest.StatusCode;
            await Problems.DescribeStatusAsync(context, "Bad Request", badRequest.Message);
            return true;
        }

        if (exception is StackExchange.Redis.RedisException || exception.InnerException is StackExchange.Redis.RedisException)
        {
            RedisUnavailable(logger, context.Request.Method, LogValue.Sanitize(context.Request.Path), exception.Message);
            context.Response.Headers.RetryAfter = "5";
            await Problems.WriteAsync(context, new Error(ErrorKind.Unavailable, "Service Unavailable", "Shared state (Redis) is unavailable; try again shortly"));
            return true;
        }

        if (IsDatabaseUnavailable(exception))
        {
            DatabaseUnavailable(logger, exception, context.Request.Method, LogValue.Sanitize(context.Request.Path));
            context.Response.Headers.RetryAfter = "5";
            await Problems.WriteAsync(context, new Error(ErrorKind.Unavailable, "Service Unavailable", "The database is unavailable; try again shortly"));
            return true;
        }

        Unhandled(logger, exception, context.Request.Method, LogValue.Sanitize(context.Request.Path));
        var traceId = context.Features.Get<IHttpActivityFeature>()?.Activity.TraceId.ToString() ?? context.TraceIdentifier;
        await Problems.WriteAsync(context, new Error(ErrorKind.Internal, "Internal Server Error", $"An unexpected error occurred (trace id {traceId})"));
        return true;
    }

    private static bool IsDatabaseUnavailable(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        System.Net.Sockets.SocketException => true,
        TimeoutException => true,
        { InnerException: { } inner } => IsDatabaseUnavailable(inner),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable while handling {Method} {Path}: {Reason}")]
    private static partial void RedisUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable while handling {Method} {Path}")]
    private static partial void DatabaseUnavailable(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
}
