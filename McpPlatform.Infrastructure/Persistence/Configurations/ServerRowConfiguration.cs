using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace McpPlatform.Infrastructure.Persistence.Configurations;

/// <summary>Maps <see cref="ServerRow"/> to <c>mcp_servers</c> and its indexes.</summary>
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
        // text), and public servers through small indexes over public servers only: one in name order carrying the
        // search text (common terms) for the texts that fit a btree entry, one in name order for the few that do not,
        // and one of trigrams (rare terms): Sql/search_visible_servers.sql, ADRs 0021 and 0043.
        // The viewer-keys index is read by the previous release's search only: kept so that its instances stay fast
        // during a rolling update, to be dropped in the next release.
        builder.HasIndex(s => s.ViewerKeys).HasMethod("gin");
        builder.HasIndex(s => s.ServerName, "PublicName").HasDatabaseName("ix_mcp_servers_public_name")
            .IncludeProperties(s => new { s.Id, s.SearchText })
            .HasFilter($"{ServerRow.IsPublicSql} AND {ServerRow.SearchTextFitsIndexSql}");
        builder.HasIndex(s => s.ServerName, "PublicLongName").HasDatabaseName("ix_mcp_servers_public_long_name")
            .HasFilter($"{ServerRow.IsPublicSql} AND {ServerRow.SearchTextPastIndexSql}");
        builder.HasIndex(s => s.SearchText, "PublicSearchText").HasDatabaseName("ix_mcp_servers_public_search_text")
            .HasMethod("gin").HasOperators("gin_trgm_ops")
            .HasFilter(ServerRow.IsPublicSql);
        builder.Property(s => s.AuthorId).HasMaxLength(256);
        builder.HasIndex(s => s.AuthorId);
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}
