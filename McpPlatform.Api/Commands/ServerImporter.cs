using System.Text.RegularExpressions;
using McpPlatform.Api.Features.Servers;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Servers;

namespace McpPlatform.Api.Commands;

/// <summary>
/// <c>import-servers</c>: LibreChat's remote <c>mcpServers</c> entries become database servers owned by a user,
/// created as the API creates them (validated like API input, secrets encrypted, audited); stdio entries belong in
/// the app-level file and are skipped.
/// </summary>
public sealed partial class ServerImporter(ServerChangeService servers, IPrincipalDirectory directory)
{
    public async Task<ImportReport> ImportAsync(string yamlPath, string ownerId, CancellationToken ct)
    {
        var owner = new Caller(ownerId, SystemRoles.User, []);
        await directory.RecordAsync(owner, ct);
        var validator = new ServerConfigRequestValidator();
        var imported = new List<string>();
        var skipped = new List<(string, string)>();
        foreach (var (name, config) in AppServerCatalog.ReadYaml(yamlPath))
        {
            if (config.Transport == TransportKind.Stdio)
            {
                skipped.Add((name, "stdio servers belong in the app-level servers file (Mcp:ServersFile)"));
                continue;
            }

            var input = new McpServerConfigInput
            {
                Type = config.Type,
                Url = config.Url,
                Title = config.Title ?? TitleFrom(name),
                Description = config.Description,
                IconPath = config.IconPath,
                Headers = config.Headers?.ToDictionary(h => h.Key, h => (string?)h.Value),
                CustomUserVars = config.CustomUserVars?.ToDictionary(v => v.Key, v => (CustomUserVar?)v.Value),
                OAuth = config.OAuth,
            };
            var validation = await validator.ValidateAsync(new ServerConfigRequest(input), ct);
            if (!validation.IsValid)
            {
                skipped.Add((name, string.Join("; ", validation.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"))));
                continue;
            }

            var created = await servers.CreateAsync(owner, input.ToDomain(), ct);
            if (created.IsSuccess)
            {
                imported.Add(created.Value.Name);
            }
            else
            {
                skipped.Add((name, created.Error!.Message ?? created.Error.ErrorText ?? created.Error.Kind.ToString()));
            }
        }

        return new ImportReport(imported, skipped);
    }

    /// <summary>A YAML key such as <c>my_server-2</c> as a title the API accepts (<c>my server 2</c>), so the slug matches the key.</summary>
    public static string TitleFrom(string name)
    {
        var title = NotTitleCharacters().Replace(name, " ").Trim();
        return title.Length == 0 ? "Imported server" : title[..Math.Min(100, title.Length)];
    }

    [GeneratedRegex("[^a-zA-Z0-9 ]+")]
    private static partial Regex NotTitleCharacters();
}
