using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="RegistryChangeRow"/> to <c>registry_changes</c>, read in revision order.</summary>
public sealed class RegistryChangeRowConfiguration : IEntityTypeConfiguration<RegistryChangeRow>
{
    public void Configure(EntityTypeBuilder<RegistryChangeRow> builder)
    {
        builder.ToTable("registry_changes");
        builder.HasKey(c => c.Revision);
        builder.Property(c => c.Revision).ValueGeneratedNever();
    }
}
