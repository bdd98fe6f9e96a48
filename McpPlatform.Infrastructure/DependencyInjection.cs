using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Security;
using McpPlatform.Domain.Servers;
using McpPlatform.Domain.OAuth;
using McpPlatform.Infrastructure.Caching;
using McpPlatform.Infrastructure.FlowState;
using McpPlatform.Infrastructure.OAuth;
using McpPlatform.Infrastructure.Mcp;
using McpPlatform.Infrastructure.Mcp.Board;
using McpPlatform.Infrastructure.Mcp.Sessions;
using McpPlatform.Infrastructure.Persistence;
using McpPlatform.Infrastructure.Persistence.Queries;
using McpPlatform.Infrastructure.Persistence.Repositories;
using McpPlatform.Infrastructure.Security;
using McpPlatform.Infrastructure.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var postgres = configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is required (the README's run command sets it up locally).");

        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(postgres);
            // No reset on reuse: nothing here leaves session state behind (ADR 0024).
            builder.ConnectionStringBuilder.NoResetOnClose = true;
            return builder.Build();
        });
        // Contexts come from a pool (ADR 0024): nothing keeps state on one beyond a request.
        services.AddDbContextPool<PlatformDbContext>(
            (sp, options) => options
                .UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
                .UseSnakeCaseNamingConvention());

        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var options = ConfigurationOptions.Parse(redis);
                options.AbortOnConnectFail = false;
                return ConnectionMultiplexer.Connect(options);
            });
            services.AddSingleton<Redis.RedisCircuit>();
        }

        services.AddOptions<Redis.RedisOptions>().Bind(configuration.GetSection(Redis.RedisOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Redis.RedisOptions>, Redis.RedisOptionsValidator>();

        services.AddOptions<EncryptionOptions>().Bind(configuration.GetSection(EncryptionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EncryptionOptions>, EncryptionOptionsValidator>();
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section));
        services.AddOptions<McpOptions>().Bind(configuration.GetSection(McpOptions.Section))
            .Validate(o => o.MaxServersPerUser > 0, "Mcp:MaxServersPerUser must be positive.")
            .ValidateOnStart();

        services.AddSingleton<ISecretProtector, AesGcmSecretProtector>();
        services.AddSingleton<OutboundUrlPolicy>();
        services.AddSingleton<IOutboundUrlPolicy>(sp => sp.GetRequiredService<OutboundUrlPolicy>());

        AddConnections(services, configuration);
        AddOAuth(services, configuration);
        services.AddSingleton<OrphanedCredentialPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<OrphanedCredentialPurge>());
        services.AddOptions<RegistryCacheOptions>().Bind(configuration.GetSection(RegistryCacheOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryCacheOptions>, RegistryCacheOptionsValidator>();
        services.AddSingleton<IRevisionedCache, MemoryRevisionedCache>();
        services.AddSingleton<IChangeRevisions, ChangeRevisionReader>();
        if (configuration.GetConnectionString("Redis") is { Length: > 0 })
        {
            services.AddSingleton<ICatalogRevisions, RedisCatalogRevisions>();
        }
        else
        {
            services.AddSingleton<ICatalogRevisions, MemoryCatalogRevisions>();
        }

        services.AddSingleton<IAppServerCatalog>(sp => AppServerCatalog.Load(configuration, environment.ContentRootPath, sp.GetRequiredService<TimeProvider>().GetUtcNow()));
        services.AddSingleton(sp => new McpRegistryOptions
        {
            MaxServersPerUser = sp.GetRequiredService<IOptions<McpOptions>>().Value.MaxServersPerUser,
            CacheReads = sp.GetRequiredService<IOptions<RegistryCacheOptions>>().Value.CacheReads,
        });

        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<ServerSecretsCodec>();
        services.AddScoped<IServerQueries, ServerQueries>();
        services.AddScoped<IServerRepository, ServerRepository>();
        services.AddScoped<IAclRepository, AclRepository>();
        services.AddScoped<IRoleRepository, RoleRepository>();
        services.AddScoped<IPrincipalDirectory, PrincipalDirectory>();
        services.AddScoped<IAuditLog, AuditLog>();
        services.AddScoped<ICredentialStore, CredentialStore>();
        services.AddScoped<KeyRotationService>();
        return services;
    }

    /// <summary>Connections: one SSRF-guarded HTTP handler for every outbound MCP call, one session runtime per
    /// instance, tool lists in Redis when there is one (else in memory).</summary>
    private static void AddConnections(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConnectionOptions>().Bind(configuration.GetSection(McpOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectionOptions>, ConnectionOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ConnectionOptions>>().Value);
        services.AddSingleton<HttpMessageHandler>(sp => SsrfGuard.CreateHandler(sp.GetRequiredService<OutboundUrlPolicy>()));
        services.AddSingleton(sp => new HttpClient(sp.GetRequiredService<HttpMessageHandler>(), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan });
        services.AddSingleton<IMcpConnector>(sp => new SdkMcpConnector(
            sp.GetRequiredService<HttpMessageHandler>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), sp.GetRequiredService<ConnectionOptions>().MaxMessageBytes));
        services.AddSingleton<IToolListObserver, ToolCatalogWriter>();
        services.AddSingleton<McpSessionPool>();
        services.AddSingleton<IMcpSessions>(sp => sp.GetRequiredService<McpSessionPool>());
        services.AddSingleton<IServerChangeListener>(sp => sp.GetService<ServerChangeBroadcast>() ?? (IServerChangeListener)sp.GetRequiredService<McpSessionPool>());
        services.AddHostedService<ConnectionMaintenance>();
        if (configuration.GetConnectionString("Redis") is { Length: > 0 })
        {
            services.AddSingleton<IToolCache, RedisToolCache>();
            services.AddSingleton<ServerChangeBroadcast>();
            services.AddHostedService(sp => sp.GetRequiredService<ServerChangeBroadcast>());
            services.AddSingleton<RedisConnectionBoard>();
            services.AddSingleton<IConnectionBoard>(sp => sp.GetRequiredService<RedisConnectionBoard>());
            services.AddHostedService<ConnectionBoardHeartbeat>();
        }
        else
        {
            services.AddSingleton<IToolCache, MemoryToolCache>();
            services.AddSingleton<IConnectionBoard, SingleInstanceConnectionBoard>();
        }
    }

    /// <summary>OAuth: flow state and locks in Redis when there is one (so any instance can finish a flow), else in memory.</summary>
    private static void AddOAuth(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OAuthOptions>()
            .Bind(configuration.GetSection(OAuthOptionsValidator.Section))
            .Configure(options =>
            {
                options.PublicBaseUrl = configuration[OAuthOptionsValidator.PublicBaseUrlKey] ?? options.PublicBaseUrl;
                options.ClientBaseUrl = configuration[OAuthOptionsValidator.ClientBaseUrlKey] ?? options.ClientBaseUrl;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OAuthOptions>, OAuthOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<OAuthOptions>>().Value);
        services.AddSingleton<IOAuthClient>(sp => new DiscoveryCachingOAuthClient(
            new HttpOAuthClient(sp.GetRequiredService<HttpClient>(), sp.GetRequiredService<IOutboundUrlPolicy>()), sp.GetRequiredService<IMemoryCache>(), sp.GetRequiredService<OAuthOptions>()));
        services.AddSingleton<IBrowserBinding, HmacBrowserBinding>();
        services.AddScoped<ITokenStore, TokenStore>();
        if (configuration.GetConnectionString("Redis") is { Length: > 0 })
        {
            services.AddSingleton<IOAuthFlowStore, RedisFlowStore>();
            services.AddSingleton<IDistributedLock, RedisDistributedLock>();
        }
        else
        {
            services.AddSingleton<IOAuthFlowStore, MemoryFlowStore>();
            services.AddSingleton<IDistributedLock, MemoryDistributedLock>();
        }
    }
}
