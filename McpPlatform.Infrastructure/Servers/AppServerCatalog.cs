using System.Text.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Persistence.Repositories;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace McpPlatform.Infrastructure.Servers;

/// <summary>
/// App-level servers, read once at start-up from <c>Mcp:ServersFile</c> (LibreChat YAML) and <c>Mcp:Servers</c>
/// (appsettings); on a name clash appsettings win. A malformed file stops start-up with the file and the reason.
/// </summary>
public sealed class AppServerCatalog : IAppServerCatalog
{
    private readonly Dictionary<string, AppServer> _byName;

    public AppServerCatalog(IEnumerable<AppServer> servers)
    {
        _byName = servers.ToDictionary(s => s.Name, StringComparer.Ordinal);
        All = [.. _byName.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<AppServer> All { get; }

    public AppServer? Find(string name) => _byName.GetValueOrDefault(name);

    public static AppServerCatalog Load(IConfiguration configuration, string contentRoot, DateTimeOffset now)
    {
        var servers = new Dictionary<string, McpServerConfig>(StringComparer.Ordinal);
        if (configuration["Mcp:ServersFile"] is { Length: > 0 } file)
        {
            var path = Path.IsPathRooted(file) ? file : Path.Combine(contentRoot, file);
            foreach (var (name, config) in ReadYaml(path))
            {
                servers[name] = config;
            }
        }

        foreach (var section in configuration.GetSection("Mcp:Servers").GetChildren())
        {
            servers[section.Key] = Parse(ToJson(section), $"Mcp:Servers:{section.Key}");
        }

        return new AppServerCatalog(servers.Select(s => new AppServer(s.Key, s.Value, now)));
    }

    public static IEnumerable<(string Name, McpServerConfig Config)> ReadYaml(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Mcp:ServersFile '{path}' does not exist.");
        }

        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Mcp:ServersFile '{path}' is not valid YAML: {e.Message}", e);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            yield break;
        }

        // A whole librechat.yaml keeps its servers under mcpServers; a bare file is the map itself.
        var map = root.Children.TryGetValue(new YamlScalarNode("mcpServers"), out var nested) ? nested as YamlMappingNode : root;
        if (map is null)
        {
            yield break;
        }

        foreach (var (key, value) in map.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            yield return (name, Parse(ToJson(value), $"{path}: mcpServers.{name}"));
        }
    }

    /// <summary>Configuration values are all strings: numbers and booleans are read from strings too.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions ConfigJson = new(ServerSecretsCodec.Json)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
        Converters = { new LenientBooleanConverter() },
    };

    private static McpServerConfig Parse(JsonNode? json, string where)
    {
        try
        {
            return json.Deserialize<McpServerConfig>(ConfigJson) ?? throw new InvalidOperationException($"{where}: empty server definition.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{where}: {e.Message}", e);
        }
    }

    private sealed class LenientBooleanConverter : System.Text.Json.Serialization.JsonConverter<bool>
    {
        public override bool Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => reader.TokenType switch
        {
            System.Text.Json.JsonTokenType.True => true,
            System.Text.Json.JsonTokenType.False => false,
            System.Text.Json.JsonTokenType.String when bool.TryParse(reader.GetString(), out var value) => value,
            _ => throw new JsonException("Expected true or false."),
        };

        public override void Write(System.Text.Json.Utf8JsonWriter writer, bool value, System.Text.Json.JsonSerializerOptions options) => writer.WriteBooleanValue(value);
    }

    /// <summary>YAML scalars become JSON booleans, numbers or strings by their look, as YAML 1.2's core schema reads them.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => Scalar(scalar.Value),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static JsonValue? Scalar(string? value) => value switch
    {
        null or "~" or "null" => null,
        "true" or "True" => JsonValue.Create(true),
        "false" or "False" => JsonValue.Create(false),
        _ when long.TryParse(value, out var number) => JsonValue.Create(number),
        _ => JsonValue.Create(value),
    };

    private static JsonNode? ToJson(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        // Configuration flattens arrays to keys 0, 1, 2…
        if (children.All(c => int.TryParse(c.Key, out _)))
        {
            return new JsonArray([.. children.OrderBy(c => int.Parse(c.Key)).Select(ToJson)]);
        }

        return new JsonObject(children.Select(c => KeyValuePair.Create(c.Key, ToJson(c))));
    }
}
