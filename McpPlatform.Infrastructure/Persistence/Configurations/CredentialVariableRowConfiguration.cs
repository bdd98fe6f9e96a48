using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="CredentialVariableRow"/> to <c>credential_variables</c>.</summary>
public sealed class CredentialVariableRowConfiguration : IEntityTypeConfiguration<CredentialVariableRow>
{
    public void Configure(EntityTypeBuilder<CredentialVariableRow> builder)
    {
        builder.ToTable("credential_variables");
        builder.Property(c => c.Binding).HasMaxLength(64);
        builder.Property(c => c.Name).HasMaxLength(64);
        builder.HasKey(c => new { c.UserId, c.ServerId, c.Name });
        builder.HasIndex(c => c.ServerId);
    }
}
