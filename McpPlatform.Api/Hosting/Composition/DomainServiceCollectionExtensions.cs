using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using McpPlatform.Domain.Sharing;

namespace McpPlatform.Api.Hosting.Composition;

/// <summary>
/// The domain services. The Domain references no packages, and <see cref="IServiceCollection"/> comes from one
/// (Microsoft.Extensions.DependencyInjection.Abstractions), so their registration lives here, with the composition root,
/// rather than in the Domain (docs/decisions/0032-domain-registration-in-the-api.md). The ports they need are registered
/// by <c>AddInfrastructure</c>.
/// </summary>
public static class DomainServiceCollectionExtensions
{
    public static IServiceCollection AddDomain(this IServiceCollection services)
    {
        // Servers, sharing, roles.
        services.AddSingleton<RegistrySnapshots>();
        services.AddScoped<ServerRegistryService>();
        services.AddScoped<ServerChangeService>();
        services.AddScoped<ServerConfigRules>();
        services.AddScoped<RoleService>();
        services.AddScoped<SharingService>();
        services.AddScoped<PrincipalSearchService>();

        // Connections and the tool catalogue.
        services.AddScoped<SessionOpener>();
        services.AddScoped<ReinitializeService>();
        services.AddScoped<ToolCallService>();
        services.AddScoped<ConnectionStatusService>();
        services.AddScoped<ToolCatalogService>();
        services.AddSingleton<ToolEntryMemo>();
        services.AddScoped<CredentialService>();

        // OAuth to remote MCP servers.
        services.AddScoped<OAuthClientRegistrations>();
        services.AddScoped<OAuthFlowStarter>();
        services.AddScoped<OAuthCallbackHandler>();
        services.AddScoped<OAuthFlowQueries>();
        services.AddScoped<OAuthDisconnect>();
        services.AddScoped<AccessTokenService>();
        return services;
    }
}
