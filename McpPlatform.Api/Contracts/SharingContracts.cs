using System.Text.Json.Serialization;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Sharing;

namespace McpPlatform.Api.Contracts;

public sealed record AccessRoleResponse(string AccessRoleId, string Name, string Description, int PermBits, string ResourceType);

/// <summary>A principal in LibreChat's sharing shape (<c>source</c> is always <c>local</c> here: no Entra ID).</summary>
public sealed record PrincipalResponse(string Type, string Id, string? Name, string? Email, string Source, string IdOnTheSource, string? AccessRoleId)
{
    public static PrincipalResponse From(SharedPrincipal p) =>
        new(p.Principal.WireType, p.Principal.Id, p.Name, p.Email, "local", p.Principal.Id, p.AccessRoleId);

    public static PrincipalResponse From(PrincipalInfo p) =>
        new(p.Key.WireType, p.Key.Id, p.Name, p.Email, "local", p.Key.Id, null);
}

public sealed record ResourcePermissionsResponse(string ResourceType, string ResourceId, IReadOnlyList<PrincipalResponse> Principals, bool Public, string? PublicAccessRoleId);

public sealed record PrincipalRef(string Type, string? Id, string? AccessRoleId);

/// <summary>Body of <c>PUT /api/permissions/mcpServer/{dbId}</c>.</summary>
public sealed record UpdatePermissionsRequest(IReadOnlyList<PrincipalRef>? Updated, IReadOnlyList<PrincipalRef>? Removed, bool? Public, string? PublicAccessRoleId)
{
    public ShareUpdate ToDomain() => new(
        [.. (Updated ?? []).Select(p => new ShareRequest(p.Type, p.Id ?? string.Empty, p.AccessRoleId))],
        [.. (Removed ?? []).Select(p => new ShareRequest(p.Type, p.Id ?? string.Empty, p.AccessRoleId))],
        Public,
        PublicAccessRoleId);
}

public sealed record UpdatePermissionsResults(IReadOnlyList<PrincipalResponse> Principals, bool Public, string? PublicAccessRoleId);

public sealed record UpdatePermissionsResponse(string Message, UpdatePermissionsResults Results);

public sealed record EffectivePermissionsResponse(int PermissionBits);

public sealed record PrincipalSearchSources(int Local, int Entra);

public sealed record PrincipalSearchResponse(string Query, int Limit, IReadOnlyList<string> Types, IReadOnlyList<PrincipalResponse> Results, int Count, PrincipalSearchSources Sources);

public sealed record McpServersPermissionsResponse(
    [property: JsonPropertyName("USE")] bool Use,
    [property: JsonPropertyName("CREATE")] bool Create,
    [property: JsonPropertyName("SHARE")] bool Share,
    [property: JsonPropertyName("SHARE_PUBLIC")] bool SharePublic);

public sealed record RolePermissionsResponse([property: JsonPropertyName("MCP_SERVERS")] McpServersPermissionsResponse McpServers);

public sealed record RoleResponse(string Name, RolePermissionsResponse Permissions)
{
    public static RoleResponse From(RoleView role) => new(role.Name, new RolePermissionsResponse(
        new McpServersPermissionsResponse(role.McpServers.Use, role.McpServers.Create, role.McpServers.Share, role.McpServers.SharePublic)));
}

public sealed record AuditEntryResponse(long Id, DateTimeOffset At, string ActorId, string Action, string ResourceType, string ResourceId, IReadOnlyDictionary<string, string?>? Details);

public sealed record AuditPageResponse(IReadOnlyList<AuditEntryResponse> Entries, string? NextCursor);
