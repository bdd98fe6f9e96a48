using McpPlatform.Domain.Access;
using McpPlatform.Domain.Identity;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

public sealed class UserRowConfiguration : IEntityTypeConfiguration<UserRow>
{
    public void Configure(EntityTypeBuilder<UserRow> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).HasMaxLength(ClaimLimits.Id);
        builder.Property(u => u.Name).HasMaxLength(ClaimLimits.Name);
        builder.Property(u => u.Email).HasMaxLength(ClaimLimits.Email);
        builder.Property(u => u.Role).HasMaxLength(ClaimLimits.Role);
    }
}

public sealed class GroupRowConfiguration : IEntityTypeConfiguration<GroupRow>
{
    public void Configure(EntityTypeBuilder<GroupRow> builder)
    {
        builder.ToTable("groups");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).HasMaxLength(ClaimLimits.Id);
        builder.Property(g => g.Name).HasMaxLength(ClaimLimits.Id);
    }
}

public sealed class GroupMemberRowConfiguration : IEntityTypeConfiguration<GroupMemberRow>
{
    public void Configure(EntityTypeBuilder<GroupMemberRow> builder)
    {
        builder.ToTable("group_members");
        builder.HasKey(m => new { m.GroupId, m.UserId });
        builder.HasIndex(m => m.UserId);
        builder.HasOne<GroupRow>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<UserRow>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class RoleRowConfiguration : IEntityTypeConfiguration<RoleRow>
{
    public void Configure(EntityTypeBuilder<RoleRow> builder)
    {
        builder.ToTable("roles");
        builder.HasKey(r => r.Name);
        builder.Property(r => r.Name).HasMaxLength(64);
        builder.HasData(SystemRoles.All.Select(name =>
        {
            var defaults = McpServerPermissions.DefaultFor(name);
            return new RoleRow { Name = name, McpUse = defaults.Use, McpCreate = defaults.Create, McpShare = defaults.Share, McpSharePublic = defaults.SharePublic };
        }));
    }
}

public sealed class AccessRoleRowConfiguration : IEntityTypeConfiguration<AccessRoleRow>
{
    public void Configure(EntityTypeBuilder<AccessRoleRow> builder)
    {
        builder.ToTable("access_roles");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasMaxLength(64);
        builder.HasData(AccessRoles.All.Select(r => new AccessRoleRow
        {
            Id = r.Id, Name = r.Name, Description = r.Description, ResourceType = AccessRole.ResourceType, PermBits = (int)r.Bits,
        }));
    }
}

public sealed class AuditRowConfiguration : IEntityTypeConfiguration<AuditRow>
{
    public void Configure(EntityTypeBuilder<AuditRow> builder)
    {
        builder.ToTable("audit_log");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Details).HasColumnType("jsonb");
        builder.HasIndex(a => new { a.ResourceId, a.Id });
        builder.HasIndex(a => new { a.ActorId, a.Id });
    }
}
