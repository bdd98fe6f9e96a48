using McpPlatform.Domain.Access;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="AccessRoleRow"/> to <c>access_roles</c>, seeded with the access roles.</summary>
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
