using McpPlatform.Domain.Identity;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="RoleRow"/> to <c>roles</c>, seeded with each system role's default permissions.</summary>
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
