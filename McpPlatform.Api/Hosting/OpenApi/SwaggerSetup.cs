namespace McpPlatform.Api.Hosting.OpenApi;

/// <summary>The OpenAPI document (<c>/swagger/v1/swagger.json</c>) and Swagger UI (<c>/swagger</c>).</summary>
public static class SwaggerSetup
{
    public static IServiceCollection AddPlatformSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen();
        services.ConfigureOptions<ConfigureSwaggerGen>();
        return services;
    }

    public static IApplicationBuilder UsePlatformSwagger(this IApplicationBuilder app) =>
        app.UseSwagger().UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/swagger/v1/swagger.json", "McpPlatform v1");
            ui.EnablePersistAuthorization();
        });
}
