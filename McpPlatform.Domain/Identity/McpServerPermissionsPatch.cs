namespace McpPlatform.Domain.Identity;

/// <summary>A partial update of a role's permissions; absent members stay as they are.</summary>
public sealed record McpServerPermissionsPatch(bool? Use, bool? Create, bool? Share, bool? SharePublic)
{
    public McpServerPermissions ApplyTo(McpServerPermissions current) => new(
        Use ?? current.Use, Create ?? current.Create, Share ?? current.Share, SharePublic ?? current.SharePublic);
}
