namespace McpPlatform.Api.Hosting.Database;

/// <summary>The <c>Database</c> section and what the API does to the database when it starts.</summary>
public static class DatabaseSetup
{
    public static IServiceCollection AddPlatformDatabaseStartup(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .PostConfigure(options =>
            {
                options.MigrateOnStartup ??= !environment.IsProduction();
                options.SeedDemo ??= environment.IsDevelopment();
            })
            .ValidateOnStart();
        services.AddScoped<DemoSeed>();
        return services;
    }
}
