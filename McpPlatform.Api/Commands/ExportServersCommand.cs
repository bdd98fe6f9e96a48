namespace McpPlatform.Api.Commands;

/// <summary><c>export-servers [--output FILE]</c>: see <see cref="ServerExporter"/>; to standard output without a file.</summary>
public static class ExportServersCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var output = CommandOptions.Parse(args).GetValueOrDefault("output");
        return await CommandHost.RunAsync(async services =>
        {
            var servers = await services.GetRequiredService<ServerExporter>().ExportAsync(CancellationToken.None);
            var json = ServerExporter.ToJson(servers);
            if (output is null)
            {
                Console.WriteLine(json);
            }
            else
            {
                await File.WriteAllTextAsync(output, json);
                Console.WriteLine($"Exported {servers.Count} servers to {output}.");
            }

            return 0;
        });
    }
}
