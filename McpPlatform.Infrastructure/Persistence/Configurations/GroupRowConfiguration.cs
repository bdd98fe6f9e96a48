using McpPlatform.Domain.Identity;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="GroupRow"/> to <c>groups</c>.</summary>
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
