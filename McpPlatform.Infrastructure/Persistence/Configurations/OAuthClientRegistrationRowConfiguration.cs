using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="OAuthClientRegistrationRow"/> to <c>oauth_client_registrations</c>.</summary>
public sealed class OAuthClientRegistrationRowConfiguration : IEntityTypeConfiguration<OAuthClientRegistrationRow>
{
    public void Configure(EntityTypeBuilder<OAuthClientRegistrationRow> builder)
    {
        builder.ToTable("oauth_client_registrations");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Binding).HasMaxLength(64);
        builder.HasIndex(r => new { r.ServerId, r.Issuer }).IsUnique();
        builder.Property(r => r.Metadata).HasColumnType("jsonb");
    }
}
