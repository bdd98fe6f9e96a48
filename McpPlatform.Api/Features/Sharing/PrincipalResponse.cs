using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Sharing;

namespace McpPlatform.Api.Features.Sharing;

/// <summary>A principal in LibreChat's sharing shape (<c>source</c> is always <c>local</c> here: no Entra ID).</summary>
public sealed record PrincipalResponse(string Type, string Id, string? Name, string? Email, string Source, string IdOnTheSource, string? AccessRoleId)
{
    public static PrincipalResponse From(SharedPrincipal p) =>
        new(p.Principal.WireType, p.Principal.Id, p.Name, p.Email, "local", p.Principal.Id, p.AccessRoleId);

    public static PrincipalResponse From(PrincipalInfo p) =>
        new(p.Key.WireType, p.Key.Id, p.Name, p.Email, "local", p.Key.Id, null);
}
