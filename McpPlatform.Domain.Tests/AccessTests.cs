using McpPlatform.Domain.Access;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Tests;

/// <summary>ACL bits, principals, role permission defaults and the page cursor (PRODUCT §2).</summary>
public sealed class AccessTests
{
    // ---- AccessPolicy -------------------------------------------------------------------------------------------

    [Test]
    public void Allows_AdminBypassesEvenWithNoBits()
    {
        Assert.That(AccessPolicy.Allows(isAdmin: true, PermissionBits.None, PermissionBits.All), Is.True);
    }

    [Test]
    public void Allows_EveryRequiredBitMustBePresentInTheOr()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(AccessPolicy.Allows(false, PermissionBits.View | PermissionBits.Edit, PermissionBits.Edit), Is.True);
            Assert.That(AccessPolicy.Allows(false, PermissionBits.View | PermissionBits.Edit, PermissionBits.View | PermissionBits.Edit), Is.True);
            Assert.That(AccessPolicy.Allows(false, PermissionBits.All, PermissionBits.Share), Is.True);
        }
    }

    [Test]
    public void Allows_MissingBitRefuses()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(AccessPolicy.Allows(false, PermissionBits.View, PermissionBits.Edit), Is.False);
            Assert.That(AccessPolicy.Allows(false, PermissionBits.View | PermissionBits.Edit, PermissionBits.Delete), Is.False);
            Assert.That(AccessPolicy.Allows(false, PermissionBits.Edit, PermissionBits.View | PermissionBits.Edit), Is.False);
            Assert.That(AccessPolicy.Allows(false, PermissionBits.None, PermissionBits.View), Is.False);
        }
    }

    [Test]
    public void PermissionBits_HaveLibreChatsValues()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)PermissionBits.View, Is.EqualTo(1));
            Assert.That((int)PermissionBits.Edit, Is.EqualTo(2));
            Assert.That((int)PermissionBits.Delete, Is.EqualTo(4));
            Assert.That((int)PermissionBits.Share, Is.EqualTo(8));
            Assert.That((int)PermissionBits.All, Is.EqualTo(15));
        }
    }

    // ---- AccessRoles --------------------------------------------------------------------------------------------

    [TestCase("mcpServer_viewer", 1)]
    [TestCase("mcpServer_editor", 3)]
    [TestCase("mcpServer_owner", 15)]
    public void AccessRoles_Find_KnownIdGivesItsBits(string id, int bits)
    {
        var role = AccessRoles.Find(id);

        Assert.That(role, Is.Not.Null);
        Assert.That((int)role!.Bits, Is.EqualTo(bits));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("MCPSERVER_OWNER")]
    [TestCase("agent_owner")]
    public void AccessRoles_Find_UnknownIdIsNull(string? id)
    {
        Assert.That(AccessRoles.Find(id), Is.Null);
    }

    [Test]
    public void AccessRoles_All_AreTheThreeMcpServerRoles()
    {
        Assert.That(AccessRoles.All.Select(r => r.Id), Is.EqualTo(new[] { AccessRoles.ViewerId, AccessRoles.EditorId, AccessRoles.OwnerId }));
    }

    // ---- Caller -------------------------------------------------------------------------------------------------

    [Test]
    public void Principals_AreUserRoleEachDistinctGroupAndPublic()
    {
        var caller = new Caller("u1", "user", ["g1", "g2", "g1"]);

        Assert.That(caller.Principals, Is.EqualTo(new[]
        {
            new PrincipalKey(PrincipalType.User, "u1"),
            new PrincipalKey(PrincipalType.Role, "USER"),
            new PrincipalKey(PrincipalType.Group, "g1"),
            new PrincipalKey(PrincipalType.Group, "g2"),
            new PrincipalKey(PrincipalType.Public, "*"),
        }));
    }

    [Test]
    public void Principals_GroupsAreCaseSensitive()
    {
        var caller = new Caller("u1", SystemRoles.User, ["Team", "team"]);

        Assert.That(caller.Principals.Count(p => p.Type == PrincipalType.Group), Is.EqualTo(2));
    }

    [Test]
    public void IsAdmin_OnlyForTheAdminRole()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new Caller("a", SystemRoles.Admin, []).IsAdmin, Is.True);
            Assert.That(new Caller("u", SystemRoles.User, []).IsAdmin, Is.False);
            Assert.That(new Caller("x", "ADMINISTRATOR", []).IsAdmin, Is.False);
        }
    }

    [Test]
    public void PrincipalKey_ToStringUsesWireNames()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PrincipalKey.User("u1").ToString(), Is.EqualTo("user:u1"));
            Assert.That(PrincipalKey.Group("g").ToString(), Is.EqualTo("group:g"));
            Assert.That(PrincipalKey.Role(" admin ").ToString(), Is.EqualTo("role:ADMIN"));
            Assert.That(PrincipalKey.Public.ToString(), Is.EqualTo("public:*"));
        }
    }

    [TestCase("user", PrincipalType.User)]
    [TestCase("group", PrincipalType.Group)]
    [TestCase("role", PrincipalType.Role)]
    [TestCase("public", PrincipalType.Public)]
    public void PrincipalTypes_RoundTrip(string wire, PrincipalType type)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PrincipalTypes.TryParse(wire, out var parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(type));
            Assert.That(PrincipalTypes.ToWire(type), Is.EqualTo(wire));
        }
    }

    [TestCase("User")]
    [TestCase("everyone")]
    [TestCase(null)]
    public void PrincipalTypes_UnknownWireName_IsRejected(string? wire)
    {
        Assert.That(PrincipalTypes.TryParse(wire, out _), Is.False);
    }

    // ---- role permissions ---------------------------------------------------------------------------------------

    [TestCase("USER")]
    [TestCase("user")]
    [TestCase("anything-else")]
    public void DefaultFor_User_IsUseCreateShareButNotSharePublic(string role)
    {
        Assert.That(McpServerPermissions.DefaultFor(role), Is.EqualTo(new McpServerPermissions(Use: true, Create: true, Share: true, SharePublic: false)));
    }

    [TestCase("ADMIN")]
    [TestCase("admin")]
    [TestCase(" Admin ")]
    public void DefaultFor_Admin_IsEverything(string role)
    {
        Assert.That(McpServerPermissions.DefaultFor(role), Is.EqualTo(new McpServerPermissions(true, true, true, true)));
    }

    [Test]
    public void McpServerPermissions_Allows_ReadsTheMatchingFlag()
    {
        var permissions = new McpServerPermissions(Use: true, Create: false, Share: true, SharePublic: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(permissions.Allows(McpPermission.Use), Is.True);
            Assert.That(permissions.Allows(McpPermission.Create), Is.False);
            Assert.That(permissions.Allows(McpPermission.Share), Is.True);
            Assert.That(permissions.Allows(McpPermission.SharePublic), Is.False);
            Assert.That(permissions.Allows((McpPermission)99), Is.False);
        }
    }

    [Test]
    public void Patch_ApplyTo_ChangesOnlyTheGivenMembers()
    {
        var current = new McpServerPermissions(true, true, false, false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new McpServerPermissionsPatch(null, false, null, true).ApplyTo(current), Is.EqualTo(new McpServerPermissions(true, false, false, true)));
            Assert.That(new McpServerPermissionsPatch(null, null, null, null).ApplyTo(current), Is.EqualTo(current));
            Assert.That(new McpServerPermissionsPatch(false, true, true, false).ApplyTo(current), Is.EqualTo(new McpServerPermissions(false, true, true, false)));
        }
    }

    [TestCase("user", "USER")]
    [TestCase("  Admin\t", "ADMIN")]
    public void SystemRoles_Normalize_TrimsAndUpperCases(string role, string expected)
    {
        Assert.That(SystemRoles.Normalize(role), Is.EqualTo(expected));
    }

    // ---- PageCursor ---------------------------------------------------------------------------------------------

    [TestCase("my-server")]
    [TestCase("a")]
    [TestCase("mcp-AbC_12-xyz")]
    [TestCase("ünïcödé 日本")]
    public void PageCursor_RoundTrips(string name)
    {
        var cursor = PageCursor.Encode(name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PageCursor.TryDecode(cursor, out var decoded), Is.True);
            Assert.That(decoded, Is.EqualTo(name));
            Assert.That(cursor, Does.Match("^[A-Za-z0-9_-]+$"), "URL-safe, no padding");
            Assert.That(cursor, Does.Not.Contain(name), "opaque");
        }
    }

    [TestCase("")]
    [TestCase("!!!")]
    [TestCase("not base64 at all")]
    [TestCase("bXktc2VydmVy")] // "my-server" without the version prefix
    [TestCase("bjE6")] // "n1:" with an empty name
    [TestCase("bjI6YWJj")] // "n2:abc"
    [TestCase("A")]
    public void PageCursor_Garbage_IsRejected(string cursor)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PageCursor.TryDecode(cursor, out var decoded), Is.False);
            Assert.That(decoded, Is.Null);
        }
    }
}
