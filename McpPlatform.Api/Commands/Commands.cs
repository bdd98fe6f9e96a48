using McpPlatform.Api.Auth;
using McpPlatform.Api.Hosting;
using McpPlatform.Api.Hosting.Database;
using McpPlatform.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Commands;

/// <summary>The admin commands of the API executable: <c>token</c>, <c>migrate</c>, <c>rotate-keys</c>.</summary>
public static class Commands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "token" or "migrate" or "rotate-keys" or "import-servers" or "export-servers" or "help" or "--help";

    public static async Task<int> RunAsync(string[] args)
    {
        var rest = args[1..];
        try
        {
            switch (args[0])
            {
                case "token":
                    return Token(rest);
                case "migrate":
                    await using (var app = BuildApp())
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        await scope.ServiceProvider.GetRequiredService<DatabaseStartup>().MigrateAsync(CancellationToken.None);
                        Console.WriteLine("Migrations applied.");
                        return 0;
                    }

                case "rotate-keys":
                    await using (var app = BuildApp())
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        var report = await scope.ServiceProvider.GetRequiredService<KeyRotationService>().RotateAsync(Console.WriteLine, CancellationToken.None);
                        Console.WriteLine($"Re-encrypted {report.ReEncrypted} values under the active key; {report.AlreadyCurrent} were already current. Old keys can now be removed.");
                        return 0;
                    }

                case "import-servers":
                    return await ImportAsync(rest);

                case "export-servers":
                    await using (var app = BuildApp())
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        var servers = await scope.ServiceProvider.GetRequiredService<ServerImportExport>().ExportAsync(CancellationToken.None);
                        var json = ServerImportExport.ToJson(servers);
                        var output = ParseOptions(rest).GetValueOrDefault("output");
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
                    }

                default:
                    Console.WriteLine("""
                        Commands:
                          token --sub ID [--role USER|ADMIN] [--name N] [--email E] [--groups g1,g2] [--minutes 60]
                          migrate        apply database migrations and exit
                          rotate-keys    re-encrypt every stored secret under Encryption:ActiveKeyId (resumable)
                          import-servers <librechat.yaml> --owner USER_ID   remote mcpServers entries become that user's servers
                          export-servers [--output FILE]   every database server as MCP registry server.json (no secrets)
                        Without a command the API starts.
                        """);
                    return 0;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or OptionsValidationException)
        {
            Console.Error.WriteLine($"{args[0]}: {e.Message}");
            return 1;
        }
    }

    private static int Token(string[] args)
    {
        var options = ParseOptions(args);
        if (!options.TryGetValue("sub", out var sub) || string.IsNullOrWhiteSpace(sub))
        {
            throw new ArgumentException("--sub is required");
        }

        var builder = PlatformApp.CreateBuilder([], Console.Error.WriteLine);
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var minutes = options.TryGetValue("minutes", out var m) ? int.Parse(m, System.Globalization.CultureInfo.InvariantCulture) : 60;
        var groups = options.TryGetValue("groups", out var g) ? g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        Console.WriteLine(TokenIssuer.Issue(auth, new TokenRequest(sub, options.GetValueOrDefault("role", "USER"), options.GetValueOrDefault("name"), options.GetValueOrDefault("email"), groups, minutes), DateTimeOffset.UtcNow));
        return 0;
    }

    private static async Task<int> ImportAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException("usage: import-servers <librechat.yaml> --owner USER_ID");
        }

        var owner = ParseOptions(args[1..]).GetValueOrDefault("owner") ?? throw new ArgumentException("--owner is required");
        await using var app = BuildApp();
        await using var scope = app.Services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<ServerImportExport>().ImportAsync(args[0], owner, CancellationToken.None);
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
    }

    private static WebApplication BuildApp() => PlatformApp.Build(PlatformApp.CreateBuilder([], Console.Error.WriteLine));

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'");
            }

            options[args[i][2..]] = args[++i];
        }

        return options;
    }
}
