using McpPlatform.Domain.Identity;

namespace McpPlatform.Api.Auth;

public static class CallerExtensions
{
    private const string ItemKey = "mcp-platform:caller";

    /// <summary>The authenticated caller. Only called behind <c>[Authorize]</c>, where a caller always exists.</summary>
    public static Caller GetCaller(this HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is Caller caller)
        {
            return caller;
        }

        caller = CallerClaims.From(context.User) ?? throw new InvalidOperationException("No authenticated caller on this request.");
        context.Items[ItemKey] = caller;
        return caller;
    }
}
