using System.Security.Claims;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Api.Auth;

/// <summary>The caller of a request, read from the token's claims once: the token check, the principal recorder,
/// the role policy and the controller all ask for it.</summary>
public static class CallerExtensions
{
    private const string ItemKey = "mcp-platform:caller";

    /// <summary>Reads the caller from a just-validated token's principal and keeps it for the rest of the request;
    /// null when the token names no user.</summary>
    public static Caller? ReadCaller(this HttpContext context, ClaimsPrincipal principal)
    {
        var caller = CallerClaims.From(principal);
        context.Items[ItemKey] = caller;
        return caller;
    }

    /// <summary>The authenticated caller, or null when the request has none.</summary>
    public static Caller? FindCaller(this HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var kept))
        {
            return kept as Caller;
        }

        return context.User.Identity?.IsAuthenticated == true ? context.ReadCaller(context.User) : null;
    }

    /// <summary>The authenticated caller. Only called behind <c>[Authorize]</c>, where a caller always exists.</summary>
    public static Caller GetCaller(this HttpContext context) =>
        context.FindCaller() ?? throw new InvalidOperationException("No authenticated caller on this request.");
}
