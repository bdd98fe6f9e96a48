using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="AclEntryRow"/> to <c>acl_entries</c> and the index the list and search read.</summary>
public sealed class AclEntryRowConfiguration : IEntityTypeConfiguration<AclEntryRow>
{
    public void Configure(EntityTypeBuilder<AclEntryRow> builder)
    {
        builder.ToTable("acl_entries");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.PrincipalType).HasMaxLength(16);
        builder.Property(a => a.PrincipalId).HasMaxLength(256);
        builder.Property(a => a.ResourceType).HasMaxLength(32);
        builder.Property(a => a.ResourceName).HasMaxLength(256).UseCollation("C");
        builder.Property(a => a.AccessRoleId).HasMaxLength(64);
        // Each principal's servers in name order, carrying what the list and search need: one index range per principal.
        builder.Property(a => a.SearchText).ValueGeneratedOnAddOrUpdate();
        builder.HasIndex(a => new { a.PrincipalType, a.PrincipalId, a.ResourceType, a.ResourceName })
            .IncludeProperties(a => new { a.ResourceId, a.PermBits, a.SearchText })
            .HasDatabaseName("ix_acl_entries_principal_stream");
        builder.HasIndex(a => new { a.ResourceId, a.PrincipalType, a.PrincipalId }).IsUnique();
        builder.HasOne<ServerRow>().WithMany().HasForeignKey(a => a.ResourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AccessRoleRow>().WithMany().HasForeignKey(a => a.AccessRoleId).OnDelete(DeleteBehavior.Restrict);
    }
}
