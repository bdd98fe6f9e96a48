using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Domain.Sharing;
using Moq;

namespace McpPlatform.Domain.Tests;

/// <summary>Role permissions, sharing and the people picker with their ports mocked (PRODUCT §2, reference §11.6–11.7).</summary>
public sealed class RoleAndSharingServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly Caller Alice = new("alice", SystemRoles.User, []);
    private static readonly Caller Admin = new("root", SystemRoles.Admin, []);
    private static readonly Guid ServerId = Guid.NewGuid();

    private Mock<IRoleRepository> _roles = null!;
    private Mock<IAclRepository> _acl = null!;
    private Mock<IServerQueries> _servers = null!;
    private Mock<IPrincipalDirectory> _directory = null!;
    private RoleService _roleService = null!;
    private SharingService _sharing = null!;
    private PrincipalSearchService _search = null!;

    [SetUp]
    public void SetUp()
    {
        _roles = new Mock<IRoleRepository>();
        _roles.Setup(r => r.GetAsync(SystemRoles.User, It.IsAny<CancellationToken>())).ReturnsAsync(McpServerPermissions.DefaultFor(SystemRoles.User));
        _roles.Setup(r => r.GetAsync(SystemRoles.Admin, It.IsAny<CancellationToken>())).ReturnsAsync(McpServerPermissions.DefaultFor(SystemRoles.Admin));
        _acl = new Mock<IAclRepository>();
        _acl.Setup(a => a.ListForServerAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _acl.Setup(a => a.ApplyAsync(It.IsAny<Guid>(), It.IsAny<AclChangeSet>(), It.IsAny<string>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync(AclApplyOutcome.Applied);
        _servers = new Mock<IServerQueries>();
        _directory = new Mock<IPrincipalDirectory>();
        _directory.Setup(d => d.DescribeAsync(It.IsAny<IReadOnlyCollection<PrincipalKey>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyCollection<PrincipalKey> keys, CancellationToken _) =>
                keys.Where(k => k.Id.StartsWith("known", StringComparison.Ordinal)).ToDictionary(k => k, k => new PrincipalInfo(k, "Name of " + k.Id, null)));
        _directory.Setup(d => d.SearchAsync(It.IsAny<string>(), It.IsAny<IReadOnlySet<PrincipalType>>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);
        _roleService = new RoleService(_roles.Object);
        _sharing = new SharingService(_servers.Object, _acl.Object, _directory.Object, _roleService);
        _search = new PrincipalSearchService(_directory.Object, _roleService);
    }

    private void Role(string role, McpServerPermissions? permissions) =>
        _roles.Setup(r => r.GetAsync(role, It.IsAny<CancellationToken>())).ReturnsAsync(permissions);

    private void ServerWithBits(PermissionBits bits) =>
        _servers.Setup(s => s.FindByIdAsync(ServerId, It.IsAny<IReadOnlyList<PrincipalKey>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ServerAccess(new McpServer(ServerId, "shared-server", new McpServerConfig { Url = "https://a" }, "alice", T0, T0, 1), bits));

    private static ShareUpdate Update(IReadOnlyList<ShareRequest>? updated = null, IReadOnlyList<ShareRequest>? removed = null, bool? isPublic = null, string? publicRole = null) =>
        new(updated ?? [], removed ?? [], isPublic, publicRole);

    private void VerifyNothingApplied() =>
        _acl.Verify(a => a.ApplyAsync(It.IsAny<Guid>(), It.IsAny<AclChangeSet>(), It.IsAny<string>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Never);

    private AclChangeSet CapturedChanges()
    {
        var invocation = _acl.Invocations.Single(i => i.Method.Name == nameof(IAclRepository.ApplyAsync));
        return (AclChangeSet)invocation.Arguments[1];
    }

    // ---- RoleService --------------------------------------------------------------------------------------------

    [Test]
    public async Task HasAsync_NeedsEveryRequiredPermission()
    {
        Role(SystemRoles.User, new McpServerPermissions(Use: true, Create: false, Share: true, SharePublic: false));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _roleService.HasAsync(Alice, [McpPermission.Use], CancellationToken.None), Is.True);
            Assert.That(await _roleService.HasAsync(Alice, [McpPermission.Use, McpPermission.Share], CancellationToken.None), Is.True);
            Assert.That(await _roleService.HasAsync(Alice, [McpPermission.Use, McpPermission.Create], CancellationToken.None), Is.False);
        }
    }

    [Test]
    public async Task HasAsync_NoAdminBypassWhenTheRoleLacksThePermission()
    {
        Role(SystemRoles.Admin, new McpServerPermissions(Use: true, Create: false, Share: false, SharePublic: false));

        Assert.That(await _roleService.HasAsync(Admin, [McpPermission.Create], CancellationToken.None), Is.False);
    }

    [Test]
    public async Task HasAsync_UnknownRole_IsRefused()
    {
        var stranger = new Caller("s", "GUEST", []);

        Assert.That(await _roleService.HasAsync(stranger, [McpPermission.Use], CancellationToken.None), Is.False);
    }

    [Test]
    public async Task GetAsync_UserReadingAnotherRole_IsForbiddenUnauthorized()
    {
        var result = await _roleService.GetAsync(Alice, "admin", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(result.Error?.Message, Is.EqualTo("Unauthorized"));
        }

        _roles.Verify(r => r.GetAsync(SystemRoles.Admin, It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task GetAsync_UserReadingOwnRoleInAnyCase_Succeeds()
    {
        var result = await _roleService.GetAsync(Alice, "user", CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Name, Is.EqualTo("USER"));
            Assert.That(result.Value.McpServers, Is.EqualTo(McpServerPermissions.DefaultFor("USER")));
        }
    }

    [Test]
    public async Task GetAsync_AdminMayReadAnyRole()
    {
        var result = await _roleService.GetAsync(Admin, "User", CancellationToken.None);

        Assert.That(result.Value.Name, Is.EqualTo("USER"));
    }

    [Test]
    public async Task GetAsync_UnknownRole_IsNotFound()
    {
        var result = await _roleService.GetAsync(Admin, "ghost", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.NotFound));
            Assert.That(result.Error?.Message, Is.EqualTo("Role not found"));
        }
    }

    [Test]
    public async Task UpdateMcpServersAsync_NonAdmin_IsForbidden()
    {
        var result = await _roleService.UpdateMcpServersAsync(Alice, "USER", new McpServerPermissionsPatch(null, null, null, true), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(result.Error?.Message, Is.EqualTo("Forbidden"));
        }

        _roles.Verify(r => r.UpdateAsync(It.IsAny<string>(), It.IsAny<McpServerPermissionsPatch>(), It.IsAny<Func<McpServerPermissions, AuditEvent>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task UpdateMcpServersAsync_Admin_NormalisesTheRoleAppliesAndAudits()
    {
        var patch = new McpServerPermissionsPatch(null, false, null, null);
        var recorded = new List<AuditEvent>();
        _roles.Setup(r => r.UpdateAsync("USER", patch, It.IsAny<Func<McpServerPermissions, AuditEvent>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, McpServerPermissionsPatch _, Func<McpServerPermissions, AuditEvent> audit, CancellationToken _) =>
            {
                // As the repository does: the audit record of the resulting permissions, written with them.
                var updated = new McpServerPermissions(true, false, true, false);
                recorded.Add(audit(updated));
                return updated;
            });

        var result = await _roleService.UpdateMcpServersAsync(Admin, "user", patch, CancellationToken.None);

        Assert.That(result.Value, Is.EqualTo(new RoleView("USER", new McpServerPermissions(true, false, true, false))));
        Assert.That(recorded, Has.One.Matches<AuditEvent>(e => e.Action == AuditActions.RolePermissionsChanged && e.ResourceId == "USER" && e.Details!["CREATE"] == "False"));
    }

    [Test]
    public async Task UpdateMcpServersAsync_UnknownRole_IsNotFound()
    {
        var result = await _roleService.UpdateMcpServersAsync(Admin, "ghost", new McpServerPermissionsPatch(true, null, null, null), CancellationToken.None);

        Assert.That(result.Error?.Message, Is.EqualTo("Role not found"));
        _roles.Verify(r => r.UpdateAsync("GHOST", It.IsAny<McpServerPermissionsPatch>(), It.IsAny<Func<McpServerPermissions, AuditEvent>>(), It.IsAny<CancellationToken>()), Times.Once);
        _roles.VerifyNoOtherCalls();   // nothing recorded beside the update that found no role (its record goes with it)
    }

    // ---- SharingService -----------------------------------------------------------------------------------------

    [Test]
    public async Task Sharing_CallerWithoutRoleShare_IsForbiddenInsufficientPermissions()
    {
        Role(SystemRoles.User, new McpServerPermissions(true, true, Share: false, SharePublic: false));
        ServerWithBits(PermissionBits.All);

        var get = await _sharing.GetAsync(Alice, ServerId, CancellationToken.None);
        var update = await _sharing.UpdateAsync(Alice, ServerId, Update(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(get.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(get.Error?.Message, Is.EqualTo("Forbidden: Insufficient permissions"));
            Assert.That(update.Error?.Message, Is.EqualTo("Forbidden: Insufficient permissions"));
        }

        VerifyNothingApplied();
    }

    [Test]
    public async Task Sharing_ViewerWithoutAclShare_IsForbiddenOnTheServer()
    {
        ServerWithBits(PermissionBits.View | PermissionBits.Edit | PermissionBits.Delete);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update([new ShareRequest("user", "known-bob", AccessRoles.ViewerId)]), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(result.Error?.Message, Is.EqualTo("Insufficient permissions to access this mcpServer"));
        }

        VerifyNothingApplied();
    }

    [Test]
    public async Task Sharing_UnknownServer_IsNotFound()
    {
        var result = await _sharing.GetAsync(Alice, ServerId, CancellationToken.None);

        Assert.That(result.Error?.Message, Is.EqualTo("mcpServer not found"));
    }

    [Test]
    public async Task Sharing_AdminWithZeroBits_MayShare()
    {
        ServerWithBits(PermissionBits.None);

        var result = await _sharing.UpdateAsync(Admin, ServerId, Update([new ShareRequest("user", "known-bob", AccessRoles.ViewerId)]), CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Details);
    }

    [Test]
    public async Task Sharing_PublicTrueWithoutSharePublic_IsForbidden()
    {
        ServerWithBits(PermissionBits.All);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update(isPublic: true, publicRole: AccessRoles.ViewerId), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(result.Error?.Message, Is.EqualTo("Forbidden: Insufficient permissions"));
        }

        VerifyNothingApplied();
    }

    [Test]
    public async Task Sharing_PublicPrincipalInUpdatedWithoutSharePublic_IsForbidden()
    {
        ServerWithBits(PermissionBits.All);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update([new ShareRequest("public", "", AccessRoles.OwnerId)]), CancellationToken.None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
        VerifyNothingApplied();
    }

    [TestCase("user")]
    [TestCase("USER")]
    [TestCase("admin")]
    public async Task Sharing_ARolePrincipalWithoutSharePublic_IsForbidden_ForARoleIsAsWideAsPublic(string role)
    {
        ServerWithBits(PermissionBits.All);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update([new ShareRequest("role", role, AccessRoles.EditorId)]), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Forbidden));
            Assert.That(result.Error?.Message, Is.EqualTo("Forbidden: Insufficient permissions"));
        }

        VerifyNothingApplied();
    }

    [Test]
    public async Task Sharing_PublicTrueWithSharePublic_UpsertsThePublicPrincipal()
    {
        ServerWithBits(PermissionBits.All);

        var result = await _sharing.UpdateAsync(Admin, ServerId, Update(isPublic: true, publicRole: AccessRoles.ViewerId), CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Details);
        Assert.That(CapturedChanges().Upserts, Is.EqualTo(new[] { (PrincipalKey.Public, AccessRoles.Viewer) }));
    }

    [TestCase(null)]
    [TestCase("mcpServer_superuser")]
    public async Task Sharing_PublicTrueWithoutAValidPublicRole_IsFailedToUpdate(string? publicRole)
    {
        ServerWithBits(PermissionBits.All);

        var result = await _sharing.UpdateAsync(Admin, ServerId, Update(isPublic: true, publicRole: publicRole), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("Failed to update permissions"));
        }

        VerifyNothingApplied();
    }

    [TestCase("user")]
    [TestCase("group")]
    public async Task Sharing_UnknownUserOrGroup_IsFailedToUpdate(string type)
    {
        ServerWithBits(PermissionBits.All);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update([new ShareRequest(type, "nobody", AccessRoles.ViewerId)]), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("Failed to update permissions"));
            Assert.That(result.Error?.Details, Does.Contain("nobody"));
        }

        VerifyNothingApplied();
    }

    [TestCase("mcpServer_admin")]
    [TestCase("agent_viewer")]
    [TestCase(null)]
    public async Task Sharing_BadAccessRoleId_IsFailedToUpdate(string? accessRoleId)
    {
        ServerWithBits(PermissionBits.All);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update([new ShareRequest("user", "known-bob", accessRoleId)]), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("Failed to update permissions"));
        }

        VerifyNothingApplied();
    }

    [TestCase("team", "x")]
    [TestCase("user", "")]
    [TestCase("group", "  ")]
    [TestCase("role", "SUPERUSER")]
    public async Task Sharing_BadPrincipal_IsFailedToUpdate(string type, string id)
    {
        ServerWithBits(PermissionBits.All);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update(removed: [new ShareRequest(type, id, null)]), CancellationToken.None);

        Assert.That(result.Error?.ErrorText, Is.EqualTo("Failed to update permissions"));
        VerifyNothingApplied();
    }

    [Test]
    public async Task Sharing_MoreThan200Changes_IsFailedToUpdate()
    {
        ServerWithBits(PermissionBits.All);
        var many = Enumerable.Range(0, 201).Select(i => new ShareRequest("user", $"known-{i}", AccessRoles.ViewerId)).ToList();

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update(many), CancellationToken.None);

        Assert.That(result.Error?.ErrorText, Is.EqualTo("Failed to update permissions"));
        VerifyNothingApplied();
    }

    [Test]
    public async Task Sharing_WouldRemoveLastOwner_IsFailedToUpdate()
    {
        ServerWithBits(PermissionBits.All);
        _acl.Setup(a => a.ApplyAsync(ServerId, It.IsAny<AclChangeSet>(), "alice", It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync(AclApplyOutcome.WouldRemoveLastOwner);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update(removed: [new ShareRequest("user", "alice", null)]), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("Failed to update permissions"));
        }

        _acl.Verify(a => a.ApplyAsync(ServerId, It.IsAny<AclChangeSet>(), "alice", It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Once);
        _acl.Verify(a => a.ListForServerAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
        _acl.VerifyNoOtherCalls();   // nothing recorded beside the refused change (its record goes with it)
    }

    [Test]
    public async Task Sharing_ResourceGoneDuringApply_IsNotFound()
    {
        ServerWithBits(PermissionBits.All);
        _acl.Setup(a => a.ApplyAsync(ServerId, It.IsAny<AclChangeSet>(), It.IsAny<string>(), It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>())).ReturnsAsync(AclApplyOutcome.ResourceMissing);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update(), CancellationToken.None);

        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.NotFound));
    }

    [Test]
    public async Task Sharing_ValidChange_AppliesTheExpectedUpsertsAndRemovalsAndAudits()
    {
        ServerWithBits(PermissionBits.All);
        // Sharing with a role reaches every user: it takes SHARE_PUBLIC.
        Role(SystemRoles.User, McpServerPermissions.DefaultFor(SystemRoles.User) with { SharePublic = true });
        var update = Update(
            updated:
            [
                new ShareRequest("user", "known-bob", AccessRoles.EditorId),
                new ShareRequest("group", "known-team", AccessRoles.ViewerId),
                new ShareRequest("role", "user", AccessRoles.ViewerId),
            ],
            removed: [new ShareRequest("user", "carol", null)],
            isPublic: false);

        var result = await _sharing.UpdateAsync(Alice, ServerId, update, CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Details);
        _acl.Verify(a => a.ApplyAsync(ServerId, It.IsAny<AclChangeSet>(), "alice", It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Once);
        var changes = CapturedChanges();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(changes.Upserts, Is.EqualTo(new[]
            {
                (PrincipalKey.User("known-bob"), AccessRoles.Editor),
                (PrincipalKey.Group("known-team"), AccessRoles.Viewer),
                (PrincipalKey.Role("USER"), AccessRoles.Viewer),
            }));
            Assert.That(changes.Removals, Is.EqualTo(new[] { PrincipalKey.User("carol"), PrincipalKey.Public }));
        }

        _acl.Verify(a => a.ApplyAsync(ServerId, It.IsAny<AclChangeSet>(), "alice", It.Is<AuditEvent>(e => e.Action == AuditActions.AclChanged && e.ResourceId == ServerId.ToString() && e.Details!["serverName"] == "shared-server"), It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task Sharing_PublicOmitted_LeavesThePublicEntryAlone()
    {
        ServerWithBits(PermissionBits.All);

        await _sharing.UpdateAsync(Alice, ServerId, Update([new ShareRequest("user", "known-bob", AccessRoles.ViewerId)]), CancellationToken.None);

        Assert.That(CapturedChanges().Removals, Is.Empty);
    }

    [Test]
    public async Task Sharing_RemovingAnUnknownUser_NeedsNoDirectoryEntry()
    {
        ServerWithBits(PermissionBits.All);

        var result = await _sharing.UpdateAsync(Alice, ServerId, Update(removed: [new ShareRequest("user", "deleted-user", null)]), CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True, result.Error?.Details);
    }

    [Test]
    public async Task Sharing_GetAsync_DescribesGrantsWithNamesAndThePublicFlag()
    {
        ServerWithBits(PermissionBits.Share);
        _acl.Setup(a => a.ListForServerAsync(ServerId, It.IsAny<CancellationToken>())).ReturnsAsync(
        [
            new AclGrant(PrincipalKey.User("known-alice"), AccessRoles.OwnerId, PermissionBits.All, "alice", T0),
            new AclGrant(PrincipalKey.Role("USER"), AccessRoles.ViewerId, PermissionBits.View, "alice", T0),
            new AclGrant(PrincipalKey.User("gone"), AccessRoles.ViewerId, PermissionBits.View, "alice", T0),
            new AclGrant(PrincipalKey.Public, AccessRoles.EditorId, PermissionBits.View | PermissionBits.Edit, "alice", T0),
        ]);

        var result = await _sharing.GetAsync(Alice, ServerId, CancellationToken.None);

        Assert.That(result.IsSuccess, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.IsPublic, Is.True);
            Assert.That(result.Value.PublicAccessRoleId, Is.EqualTo(AccessRoles.EditorId));
            Assert.That(result.Value.Principals, Is.EqualTo(new[]
            {
                new SharedPrincipal(PrincipalKey.User("known-alice"), "Name of known-alice", null, AccessRoles.OwnerId),
                new SharedPrincipal(PrincipalKey.Role("USER"), "USER", null, AccessRoles.ViewerId),
                new SharedPrincipal(PrincipalKey.User("gone"), null, null, AccessRoles.ViewerId),
            }));
        }
    }

    [Test]
    public async Task Sharing_EffectiveAsync_AdminGetsAllOthersTheirBitsMissingGetsNone()
    {
        ServerWithBits(PermissionBits.View);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _sharing.EffectiveAsync(Alice, ServerId, CancellationToken.None), Is.EqualTo(PermissionBits.View));
            Assert.That(await _sharing.EffectiveAsync(Admin, ServerId, CancellationToken.None), Is.EqualTo(PermissionBits.All));
            Assert.That(await _sharing.EffectiveAsync(Alice, Guid.NewGuid(), CancellationToken.None), Is.EqualTo(PermissionBits.None));
        }
    }

    // ---- PrincipalSearchService ---------------------------------------------------------------------------------

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public async Task Search_MissingQuery_IsRequiredError(string? q)
    {
        var result = await _search.SearchAsync(Alice, q, null, null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Validation));
            Assert.That(result.Error?.ErrorText, Is.EqualTo("Query parameter \"q\" is required and must not be empty"));
        }
    }

    [TestCase("a")]
    [TestCase(" b ")]
    public async Task Search_OneCharacter_IsTooShort(string q)
    {
        var result = await _search.SearchAsync(Alice, q, null, null, CancellationToken.None);

        Assert.That(result.Error?.ErrorText, Is.EqualTo("Query must be at least 2 characters long"));
        _directory.Verify(d => d.SearchAsync(It.IsAny<string>(), It.IsAny<IReadOnlySet<PrincipalType>>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Search_WithoutRoleShare_IsForbidden()
    {
        Role(SystemRoles.User, new McpServerPermissions(true, true, false, false));

        var result = await _search.SearchAsync(Alice, "bob", null, null, CancellationToken.None);

        Assert.That(result.Error?.Message, Is.EqualTo("Forbidden: Insufficient permissions"));
    }

    [TestCase("abc", 10)]
    [TestCase("500", 50)]
    [TestCase(null, 20)]
    [TestCase("0", 1)]
    [TestCase("-3", 1)]
    [TestCase("7", 7)]
    public async Task Search_LimitIsClampedLikeLibreChat(string? limit, int expected)
    {
        var result = await _search.SearchAsync(Alice, "bob", limit, "user", CancellationToken.None);

        Assert.That(result.Value.Limit, Is.EqualTo(expected));
        _directory.Verify(d => d.SearchAsync("bob", It.IsAny<IReadOnlySet<PrincipalType>>(), expected, It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task Search_RolesAreMatchedLocally_WithoutAskingTheDirectory()
    {
        var result = await _search.SearchAsync(Alice, "adm", null, "role", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Results.Select(r => r.Key), Is.EqualTo(new[] { PrincipalKey.Role("ADMIN") }));
            Assert.That(result.Value.Types, Is.EqualTo(new[] { "role" }));
        }

        _directory.Verify(d => d.SearchAsync(It.IsAny<string>(), It.IsAny<IReadOnlySet<PrincipalType>>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Search_DefaultTypes_CombineRolesAndDirectoryResults()
    {
        var bob = new PrincipalInfo(PrincipalKey.User("userbob"), "User Bob", "bob@example.com");
        _directory.Setup(d => d.SearchAsync("user", It.Is<IReadOnlySet<PrincipalType>>(t => t.SetEquals(new[] { PrincipalType.User, PrincipalType.Group })), 20, It.IsAny<CancellationToken>()))
            .ReturnsAsync([bob]);

        var result = await _search.SearchAsync(Alice, " user ", null, null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value.Query, Is.EqualTo("user"));
            Assert.That(result.Value.Types, Is.EquivalentTo(new[] { "user", "group", "role" }));
            Assert.That(result.Value.Results.Select(r => r.Key), Is.EqualTo(new[] { PrincipalKey.Role("USER"), bob.Key }));
        }
    }

    [TestCase("public")]
    [TestCase("user,alien")]
    public async Task Search_InvalidType_IsRejected(string types)
    {
        var result = await _search.SearchAsync(Alice, "bob", null, types, CancellationToken.None);

        Assert.That(result.Error?.ErrorText, Does.StartWith("Invalid principal type"));
    }
}
