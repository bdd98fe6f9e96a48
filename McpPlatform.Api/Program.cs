using McpPlatform.Api.Hosting;

return await PlatformProgram.RunAsync(args);

/// <summary>The entry point; public so that API tests can host it with WebApplicationFactory.</summary>
public partial class Program;
