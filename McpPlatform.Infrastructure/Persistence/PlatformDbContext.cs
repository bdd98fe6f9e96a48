using McpPlatform.Infrastructure.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Persistence;

public sealed class PlatformDbContext(DbContextOptions<PlatformDbContext> options) : DbContext(options)
{
    public DbSet<UserRow> Users => Set<UserRow>();
    public DbSet<GroupRow> Groups => Set<GroupRow>();
    public DbSet<GroupMemberRow> GroupMembers => Set<GroupMemberRow>();
    public DbSet<RoleRow> Roles => Set<RoleRow>();
    public DbSet<AccessRoleRow> AccessRoles => Set<AccessRoleRow>();
    public DbSet<ServerRow> Servers => Set<ServerRow>();
    public DbSet<AclEntryRow> AclEntries => Set<AclEntryRow>();
    public DbSet<OAuthClientRegistrationRow> OAuthClientRegistrations => Set<OAuthClientRegistrationRow>();
    public DbSet<OAuthTokenRow> OAuthTokens => Set<OAuthTokenRow>();
    public DbSet<CredentialVariableRow> CredentialVariables => Set<CredentialVariableRow>();
    public DbSet<AuditRow> AuditLog => Set<AuditRow>();
    public DbSet<RegistryChangeRow> RegistryChanges => Set<RegistryChangeRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PlatformDbContext).Assembly);
    }
}
