using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Commands;

/// <summary>The admin commands of the API executable: the first argument names one, the rest are its own.</summary>
public static class AdminCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "token" or "migrate" or "rotate-keys" or "import-servers" or "export-servers" or "help" or "--help";

    public static async Task<int> RunAsync(string[] args)
    {
        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "token" => TokenCommand.Run(rest),
                "migrate" => await MigrateCommand.RunAsync(),
                "rotate-keys" => await RotateKeysCommand.RunAsync(),
                "import-servers" => await ImportServersCommand.RunAsync(rest),
                "export-servers" => await ExportServersCommand.RunAsync(rest),
                _ => Usage(),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or OptionsValidationException)
        {
            Console.Error.WriteLine($"{args[0]}: {e.Message}");
            return 1;
        }
    }

    private static int Usage()
    {
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
