using McpPlatform.Domain.Access;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>A stored server with every ACL entry on it, so that any caller's access can be worked out from one read
/// kept in memory. <see cref="Complete"/> is false for a server with more entries than were read (none are held then).</summary>
public sealed record SharedServer(McpServer Server, IReadOnlyList<Grant> Grants, bool Complete)
{
    /// <summary>The server with the OR of the bits the principals hold on it; null when the entries are incomplete.</summary>
    public ServerAccess? AccessFor(IReadOnlyList<PrincipalKey> principals)
    {
        if (!Complete)
        {
            return null;
        }

        var bits = PermissionBits.None;
        foreach (var grant in Grants)
        {
            if (principals.Contains(grant.Principal))
            {
                bits |= grant.Bits;
            }
        }

        return new ServerAccess(Server, bits);
    }
}
