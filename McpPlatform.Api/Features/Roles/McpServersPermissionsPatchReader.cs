using System.Text.Json;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Api.Features.Roles;

/// <summary>
/// Reads the body of <c>PUT /api/roles/{roleName}/mcp-servers</c>: an object of the four permission names (in any
/// case) with boolean values; anything else makes the whole body invalid. LibreChat answers every such body with one
/// 400 <c>Invalid MCP servers permissions.</c> and no per-field errors, so the body is read here, into the domain's patch,
/// rather than bound to a contract and checked by a FluentValidation validator (whose 400 lists its failures).
/// </summary>
public static class McpServersPermissionsPatchReader
{
    public static readonly Error InvalidPermissions = new(ErrorKind.Validation, Message: "Invalid MCP servers permissions.");

    public static Result<McpServerPermissionsPatch> Read(JsonElement body)
    {
        var patch = new McpServerPermissionsPatch(null, null, null, null);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return InvalidPermissions;
        }

        foreach (var property in body.EnumerateObject())
        {
            if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return InvalidPermissions;
            }

            var value = property.Value.GetBoolean();
            switch (property.Name.ToUpperInvariant())
            {
                case "USE": patch = patch with { Use = value }; break;
                case "CREATE": patch = patch with { Create = value }; break;
                case "SHARE": patch = patch with { Share = value }; break;
                case "SHARE_PUBLIC": patch = patch with { SharePublic = value }; break;
                default: return InvalidPermissions;
            }
        }

        return patch;
    }
}
