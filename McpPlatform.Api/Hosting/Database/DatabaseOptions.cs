namespace McpPlatform.Api.Hosting.Database;

/// <summary>The <c>Database</c> section: what the API does to the database when it starts. Unset values take the
/// environment's default.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations; unset: yes, except in Production (run the <c>migrate</c> command there).</summary>
    public bool? MigrateOnStartup { get; set; }

    /// <summary>Seed the demo users, group and servers and print development tokens; unset: in Development only.</summary>
    public bool? SeedDemo { get; set; }
}
