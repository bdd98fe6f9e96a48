using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="OAuthTokenRow"/> to <c>oauth_tokens</c>.</summary>
public sealed class OAuthTokenRowConfiguration : IEntityTypeConfiguration<OAuthTokenRow>
{
    public void Configure(EntityTypeBuilder<OAuthTokenRow> builder)
    {
        builder.ToTable("oauth_tokens");
        builder.Property(t => t.Binding).HasMaxLength(64);
        builder.HasKey(t => new { t.UserId, t.ServerId });
        builder.HasIndex(t => t.ServerId);
        builder.HasIndex(t => t.ExpiresAt);
        builder.Property(t => t.Metadata).HasColumnType("jsonb");
        builder.Property(t => t.Version).IsConcurrencyToken();
    }
}
