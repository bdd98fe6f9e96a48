using System.Security.Cryptography;
using System.Text;

namespace McpPlatform.Domain.Servers;

/// <summary>Ids for servers. A database server gets a random version-7 UUID when created; an app-level server's is
/// derived from its name (its identity in configuration) as a version-8 UUID, so the two never meet.</summary>
public static class ServerIds
{
    public static Guid ForAppServer(string name)
    {
        Span<byte> bytes = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("mcp-platform/app-server/" + name), bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes[..16], bigEndian: true);
    }
}
