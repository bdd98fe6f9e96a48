using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpPlatform.Api.Features.Servers;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Persistence;
using McpPlatform.Infrastructure.Persistence.Repositories;
using McpPlatform.Infrastructure.Servers;
using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Api.Commands;

public sealed record ImportReport(IReadOnlyList<string> Imported, IReadOnlyList<(string Name, string Reason)> Skipped);

/// <summary>
/// <c>import-servers</c>: LibreChat's remote <c>mcpServers</c> entries become database servers owned by a user
/// (validated like API input, secrets encrypted; stdio entries belong in the app-level file and are skipped).
/// <c>export-servers</c>: every database server in the official MCP registry <c>server.json</c> shape, without secrets.
/// </summary>
public sealed partial class ServerImportExport(ServerRegistryService registry, IPrincipalDirectory directory, PlatformDbContext db)
{
    public const string RegistrySchema = "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json";

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

            var created = await registry.CreateAsync(owner, input.ToDomain(), ct);
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

    public async Task<JsonArray> ExportAsync(CancellationToken ct)
    {
        var rows = await db.Servers.AsNoTracking().OrderBy(s => s.ServerName).Select(s => new { s.ServerName, s.Config }).ToListAsync(ct);
        var servers = new JsonArray();
        foreach (var row in rows)
        {
            var config = ServerSecretsCodec.DecodeMasked(row.Config);
            var remote = new JsonObject
            {
                ["type"] = config.Transport == TransportKind.Sse ? "sse" : "streamable-http",
                ["url"] = config.Url,
            };
            if (config.Headers is { Count: > 0 } headers)
            {
                // Names only: values are secrets (or a user's own placeholders).
                remote["headers"] = new JsonArray([.. headers.Keys.Select(h => (JsonNode)new JsonObject { ["name"] = h, ["isRequired"] = true, ["isSecret"] = true })]);
            }

            servers.Add(new JsonObject
            {
                ["$schema"] = RegistrySchema,
                ["name"] = $"local.mcp-platform/{row.ServerName}",
                ["title"] = config.Title,
                ["description"] = config.Description ?? config.Title ?? row.ServerName,
                ["version"] = "1.0.0",
                ["remotes"] = new JsonArray(remote),
            });
        }

        return servers;
    }

    /// <summary>A YAML key such as <c>my_server-2</c> as a title the API accepts (<c>my server 2</c>), so the slug matches the key.</summary>
    public static string TitleFrom(string name)
    {
        var title = NotTitleCharacters().Replace(name, " ").Trim();
        return title.Length == 0 ? "Imported server" : title[..Math.Min(100, title.Length)];
    }

    [GeneratedRegex("[^a-zA-Z0-9 ]+")]
    private static partial Regex NotTitleCharacters();

    public static string ToJson(JsonArray servers) => servers.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
