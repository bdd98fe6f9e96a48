using McpPlatform.Domain.Identity;

namespace McpPlatform.Api.Auth;

/// <summary>Records users and their groups on first sight, so that they can be found in the people picker and shared with.</summary>
public sealed class PrincipalRecordingMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IPrincipalDirectory directory)
    {
        if (context.FindCaller() is { } caller)
        {
            await directory.RecordAsync(caller, context.RequestAborted);
        }

        await next(context);
    }
}
