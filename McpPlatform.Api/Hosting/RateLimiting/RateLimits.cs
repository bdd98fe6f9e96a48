using System.Threading.RateLimiting;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Domain.Common;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.RateLimiting;

/// <summary>The named rate-limit policies (<c>[EnableRateLimiting]</c> on the actions they apply to); a refusal is a 429
/// ProblemDetails with <c>Retry-After</c>.</summary>
public static class RateLimits
{
    public const string Create = "create";
    public const string Reinitialize = "reinitialize";
    public const string OAuthInitiate = "oauth-initiate";
    public const string ToolCall = "tool-call";

    /// <summary>One budget per user shared by every write route other than create.</summary>
    public const string Write = "write";

    /// <summary>The anonymous OAuth callback, per client address.</summary>
    public const string OAuthCallback = "oauth-callback";

    public static IServiceCollection AddPlatformRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Create, context => PerUser(context, Create, Options(context).CreatePerMinute));
            limiter.AddPolicy(Reinitialize, context => PerUser(context, Reinitialize, Options(context).ReinitializePerMinute));
            limiter.AddPolicy(OAuthInitiate, context => PerUser(context, OAuthInitiate, Options(context).OAuthInitiatePerMinute));
            limiter.AddPolicy(ToolCall, context => PerUser(context, ToolCall, Options(context).ToolCallPerMinute));
            limiter.AddPolicy(Write, context => PerUser(context, Write, Options(context).WritePerMinute));
            limiter.AddPolicy(OAuthCallback, context => Window($"{OAuthCallback}:{ClientNetwork(context)}", Options(context).OAuthCallbackPerMinute));
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context.HttpContext, new Error(ErrorKind.TooManyRequests, "Too Many Requests", $"Rate limit exceeded; retry after {retryAfter} s"));
            };
        });
        return services;
    }

    private static RateLimitOptions Options(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    private static RateLimitPartition<string> PerUser(HttpContext context, string policy, int perMinute) =>
        Window($"{policy}:{context.FindCaller()?.UserId ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous"}", perMinute);

    private static RateLimitPartition<string> Window(string partition, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

    /// <summary>The client's address; for IPv6 its /64, since one client is usually given a whole /64 and could
    /// otherwise take a fresh address for each request.</summary>
    private static string ClientNetwork(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? new System.Net.IPNetwork(address, 64).BaseAddress + "/64"
            : address.ToString();
    }
}
