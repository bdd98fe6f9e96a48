using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="AuditRow"/> to <c>audit_log</c>.</summary>
public sealed class AuditRowConfiguration : IEntityTypeConfiguration<AuditRow>
{
    public void Configure(EntityTypeBuilder<AuditRow> builder)
    {
        builder.ToTable("audit_log");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Details).HasColumnType("jsonb");
        builder.HasIndex(a => new { a.ResourceId, a.Id });
        builder.HasIndex(a => new { a.ActorId, a.Id });
    }
}
