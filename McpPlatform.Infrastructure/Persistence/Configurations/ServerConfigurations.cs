using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

public sealed class ServerRowConfiguration : IEntityTypeConfiguration<ServerRow>
{
    public void Configure(EntityTypeBuilder<ServerRow> builder)
    {
        builder.ToTable("mcp_servers");
        builder.HasKey(s => s.Id);
        // Byte order ("C"): names are ASCII slugs, the keyset cursor compares ordinally, and LIKE 'prefix%' can use the index.
        builder.Property(s => s.ServerName).HasMaxLength(256).UseCollation("C");
        builder.HasIndex(s => s.ServerName).IsUnique();
        builder.Property(s => s.Config).HasColumnType("jsonb");
        builder.Property(s => s.SearchText).HasComputedColumnSql(
            "lower(server_name || ' ' || coalesce(config->>'title', '') || ' ' || coalesce(config->>'description', ''))", stored: true);
        // Search reads the caller's own, shared and group servers from their ACL entries (which carry the search
        // text), and public servers through two small indexes over public servers only: one in name order carrying
        // the search text (common terms), one of trigrams (rare terms). See ServerRepository.SearchSql.
        // The viewer-keys index is read by the previous release's search only: kept so that its instances stay fast
        // during a rolling update, to be dropped in the next release.
        builder.HasIndex(s => s.ViewerKeys).HasMethod("gin");
        builder.HasIndex(s => s.ServerName, "PublicName").HasDatabaseName("ix_mcp_servers_public_name")
            .IncludeProperties(s => new { s.Id, s.SearchText })
            .HasFilter(ServerRow.IsPublicSql);
        builder.HasIndex(s => s.SearchText, "PublicSearchText").HasDatabaseName("ix_mcp_servers_public_search_text")
            .HasMethod("gin").HasOperators("gin_trgm_ops")
            .HasFilter(ServerRow.IsPublicSql);
        builder.Property(s => s.AuthorId).HasMaxLength(256);
        builder.HasIndex(s => s.AuthorId);
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}

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
