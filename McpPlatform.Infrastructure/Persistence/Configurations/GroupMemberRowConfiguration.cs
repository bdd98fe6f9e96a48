using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="GroupMemberRow"/> to <c>group_members</c>.</summary>
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
