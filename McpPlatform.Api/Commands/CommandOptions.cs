namespace McpPlatform.Api.Commands;

/// <summary>A command's <c>--name value</c> pairs.</summary>
public static class CommandOptions
{
    public static Dictionary<string, string> Parse(string[] args)
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
