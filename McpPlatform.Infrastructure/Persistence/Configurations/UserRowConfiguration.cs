using McpPlatform.Domain.Identity;
using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="UserRow"/> to <c>users</c>.</summary>
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
