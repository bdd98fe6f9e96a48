using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="RevisionRow"/> to <c>revisions</c>, one row per scope.</summary>
public sealed class RevisionRowConfiguration : IEntityTypeConfiguration<RevisionRow>
{
    public void Configure(EntityTypeBuilder<RevisionRow> builder)
    {
        builder.ToTable("revisions");
        builder.HasKey(r => r.Scope);
        builder.Property(r => r.Scope).HasMaxLength(32);
        builder.HasData(new RevisionRow { Scope = RevisionRow.Registry, Value = 1 }, new RevisionRow { Scope = RevisionRow.Roles, Value = 1 });
    }
}
