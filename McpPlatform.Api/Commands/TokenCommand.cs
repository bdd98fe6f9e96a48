using McpPlatform.Api.Auth;
using McpPlatform.Api.Hosting;

namespace McpPlatform.Api.Commands;

/// <summary><c>token --sub ID [--role R] [--name N] [--email E] [--groups g1,g2] [--minutes 60]</c>: a development
/// token signed with the configured key.</summary>
public static class TokenCommand
{
    public static int Run(string[] args)
    {
        var options = CommandOptions.Parse(args);
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
}
