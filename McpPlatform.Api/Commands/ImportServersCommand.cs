namespace McpPlatform.Api.Commands;

/// <summary><c>import-servers &lt;librechat.yaml&gt; --owner USER_ID</c>: see <see cref="ServerImporter"/>.</summary>
public static class ImportServersCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException("usage: import-servers <librechat.yaml> --owner USER_ID");
        }

        var owner = CommandOptions.Parse(args[1..]).GetValueOrDefault("owner") ?? throw new ArgumentException("--owner is required");
        return await CommandHost.RunAsync(async services =>
        {
            var report = await services.GetRequiredService<ServerImporter>().ImportAsync(args[0], owner, CancellationToken.None);
            foreach (var name in report.Imported)
            {
                Console.WriteLine($"imported {name}");
            }

            foreach (var (name, reason) in report.Skipped)
            {
                Console.WriteLine($"skipped {name}: {reason}");
            }

            Console.WriteLine($"{report.Imported.Count} imported, {report.Skipped.Count} skipped; owner {owner}.");
            return 0;
        });
    }
}
