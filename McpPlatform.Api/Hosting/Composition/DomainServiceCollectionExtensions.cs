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
        services.AddSingleton<RegistrySnapshots>();
        services.AddScoped<ServerRegistryService>();
        services.AddScoped<RoleService>();
        services.AddScoped<SharingService>();
        services.AddScoped<PrincipalSearchService>();
        services.AddScoped<McpConnectionService>();
        services.AddScoped<ToolCatalogService>();
        services.AddScoped<CredentialService>();
        services.AddScoped<OAuthService>();
        services.AddScoped<AccessTokenService>();
        return services;
    }
}
