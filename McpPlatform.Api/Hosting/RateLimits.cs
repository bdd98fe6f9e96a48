using System.Threading.RateLimiting;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Domain.Common;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Hosting;

/// <summary>The <c>RateLimits</c> section: requests per minute per user, per instance.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public int CreatePerMinute { get; set; } = 120;
    public int ReinitializePerMinute { get; set; } = 120;
    public int OAuthInitiatePerMinute { get; set; } = 60;
}

public static class RateLimits
{
    public const string Create = "create";
    public const string Reinitialize = "reinitialize";
    public const string OAuthInitiate = "oauth-initiate";

    public static IServiceCollection AddPlatformRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Create, context => PerUser(context, Create, Options(context).CreatePerMinute));
            limiter.AddPolicy(Reinitialize, context => PerUser(context, Reinitialize, Options(context).ReinitializePerMinute));
            limiter.AddPolicy(OAuthInitiate, context => PerUser(context, OAuthInitiate, Options(context).OAuthInitiatePerMinute));
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    new Error(ErrorKind.Unavailable, "Too Many Requests", $"Rate limit exceeded; retry after {retryAfter} s"));
            };
        });
        return services;
    }

    private static RateLimitOptions Options(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value;

    private static RateLimitPartition<string> PerUser(HttpContext context, string policy, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            $"{policy}:{context.FindCaller()?.UserId ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous"}",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
