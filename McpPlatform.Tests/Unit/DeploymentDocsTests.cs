using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.OAuth;
using McpPlatform.Infrastructure.Security;
using McpPlatform.Infrastructure.Servers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpPlatform.Tests.Unit;

/// <summary>
/// docs/configuration.md, docker-compose.yml and the Dockerfile cannot be run on the build machines, so they are
/// checked against the code here: the configuration reference lists exactly the options the code binds (with their
/// defaults), the compose file sets only documented keys and no literal secrets, and the image runs as non-root.
/// </summary>
public sealed partial class DeploymentDocsTests
{
    /// <summary>Keys read straight from IConfiguration rather than through an options class.</summary>
    private static readonly string[] PlainKeys =
    [
        "ConnectionStrings:Postgres",
        "ConnectionStrings:Redis",
        "Mcp:Servers:<name>",
        "Urls",
    ];

    /// <summary>OAuthOptions properties that DependencyInjection fills from other keys.</summary>
    private static readonly Dictionary<string, string> OAuthFilledFrom = new(StringComparer.Ordinal)
    {
        [nameof(OAuthOptions.PublicBaseUrl)] = "Server:PublicBaseUrl",
        [nameof(OAuthOptions.ClientBaseUrl)] = "Client:BaseUrl",
    };

    private static readonly string[] ComposeServices = ["postgres", "redis", "migrate", "api1", "api2", "proxy"];
    private static readonly string[] ApiServices = ["migrate", "api1", "api2"];

    private sealed record Option(string Key, Type Type, object? Default);

    private sealed record DocRow(string Key, string EnvironmentVariable, string Type, string Default, string Meaning, int Line);

    [Test]
    public void ConfigurationReference_ListsEveryOption()
    {
        var rows = ReadConfigurationReference();
        var documented = rows.GroupBy(r => r.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var options = ReflectedOptions().ToList();
        var problems = new List<string>();

        foreach (var (key, list) in documented.Where(d => d.Value.Count > 1))
        {
            problems.Add($"`{key}` is documented {list.Count} times (lines {string.Join(", ", list.Select(r => r.Line))})");
        }

        foreach (var option in options)
        {
            if (!documented.TryGetValue(option.Key, out var list))
            {
                problems.Add($"`{option.Key}` is not documented; add e.g. | `{option.Key}` | `{EnvironmentVariable(option)}` | {TypeName(option.Type)} | {DocumentedDefault(option)} | … |");
                continue;
            }

            var row = list[0];
            if (row.EnvironmentVariable != $"`{EnvironmentVariable(option)}`")
            {
                problems.Add($"line {row.Line}: `{option.Key}` should have the environment variable `{EnvironmentVariable(option)}`, not {row.EnvironmentVariable}");
            }

            if (row.Type != TypeName(option.Type))
            {
                problems.Add($"line {row.Line}: `{option.Key}` is a {TypeName(option.Type)}, documented as {row.Type}");
            }

            if (option.Type.IsEnum && Enum.GetNames(option.Type).FirstOrDefault(n => !row.Meaning.Contains($"`{n}`", StringComparison.Ordinal)) is { } value)
            {
                problems.Add($"line {row.Line}: `{option.Key}` does not describe the value `{value}`");
            }

            var expected = DocumentedDefault(option);
            var actual = FirstCode(row.Default) is { } code ? $"`{code}`" : row.Default;
            if (expected == "—" ? !row.Default.StartsWith('—') : expected == "empty" ? !row.Default.StartsWith("empty", StringComparison.Ordinal) : actual != expected)
            {
                problems.Add($"line {row.Line}: `{option.Key}` defaults to {expected} in the code, documented as {row.Default}");
            }
        }

        var known = options.Select(o => o.Key).Concat(PlainKeys).ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => !known.Contains(r.Key)))
        {
            problems.Add($"line {row.Line}: `{row.Key}` is documented but no options class declares it and it is not a plain key of this test");
        }

        foreach (var key in PlainKeys.Where(k => !documented.ContainsKey(k)))
        {
            problems.Add($"`{key}` (read directly from configuration) is not documented");
        }

        Assert.That(problems, Is.Empty, "docs/configuration.md has drifted from the options classes:\n" + string.Join("\n", problems));
    }

    [Test]
    public void ComposeFile_SetsOnlyRealConfigurationKeys()
    {
        var documented = ReadConfigurationReference().Select(r => r.Key).ToList();
        var services = ComposeServicesNode();
        var problems = new List<string>();

        foreach (var name in ComposeServices.Where(s => !services.Children.ContainsKey(new YamlScalarNode(s))))
        {
            problems.Add($"service '{name}' is missing");
        }

        foreach (var name in ApiServices.Where(s => services.Children.ContainsKey(new YamlScalarNode(s))))
        {
            var environment = ServiceEnvironment(services, name);
            if (environment.Count == 0)
            {
                problems.Add($"service '{name}' sets no environment");
            }

            foreach (var variable in environment.Keys)
            {
                if (variable.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || variable.StartsWith("DOTNET_", StringComparison.Ordinal))
                {
                    continue;
                }

                var key = variable.Replace("__", ":", StringComparison.Ordinal);
                if (!IsDocumented(key, documented))
                {
                    problems.Add($"service '{name}' sets {variable}, but `{key}` is not a key of docs/configuration.md");
                }
            }
        }

        foreach (var name in ApiServices.Skip(1).Where(s => services.Children.ContainsKey(new YamlScalarNode(s))))
        {
            var service = (YamlMappingNode)services[name];
            if (!service.Children.TryGetValue(new YamlScalarNode("depends_on"), out var dependsOn)
                || dependsOn is not YamlMappingNode dependencies
                || !dependencies.Children.TryGetValue(new YamlScalarNode("migrate"), out var migrate)
                || Scalar(migrate, "condition") != "service_completed_successfully")
            {
                problems.Add($"service '{name}' must start after migrate completed successfully");
            }

            if (Scalar(service, "read_only") != "true")
            {
                problems.Add($"service '{name}' should run with a read-only root file system");
            }
        }

        foreach (var name in services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
        {
            foreach (var (variable, value) in ServiceEnvironment(services, name))
            {
                var secretName = variable.Contains("key", StringComparison.OrdinalIgnoreCase) || variable.Contains("secret", StringComparison.OrdinalIgnoreCase)
                    || variable.Contains("password", StringComparison.OrdinalIgnoreCase);
                if (secretName && !WholeReference().IsMatch(value))
                {
                    problems.Add($"service '{name}': {variable} must be a ${{…}} variable, not a literal");
                }

                if (LiteralPassword().IsMatch(value))
                {
                    problems.Add($"service '{name}': {variable} contains a literal password");
                }
            }
        }

        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public void ComposeFile_VariablesAreListedInEnvExample()
    {
        var compose = File.ReadAllText(Path.Combine(RepoRoot(), "docker-compose.yml"));
        var example = File.ReadAllText(Path.Combine(RepoRoot(), ".env.example"));
        var listed = EnvExampleLine().Matches(example).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        // Commented lines of the compose file are examples (e.g. the next key of a rotation); only live ones count.
        var live = string.Join("\n", compose.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        var used = ComposeVariable().Matches(live).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

        // The required ones (${VAR:?…}) are the secrets: the example leaves them empty so compose refuses to start.
        var required = RequiredComposeVariable().Matches(live).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        var filled = EnvExampleValue().Matches(example).Where(m => m.Groups[2].Value.Trim().Length > 0).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.That(used, Is.Not.Empty);
        Assert.That(used.Where(v => !listed.Contains(v)), Is.Empty, ".env.example should list every variable docker-compose.yml uses");
        Assert.That(required.Where(filled.Contains), Is.Empty, ".env.example must leave the required secrets empty");
    }

    [Test]
    public void Dockerfile_RunsAsNonRoot()
    {
        var root = RepoRoot();
        var lines = File.ReadAllLines(Path.Combine(root, "Dockerfile"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
        var lastFrom = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase));
        Assert.That(lastFrom, Is.GreaterThan(0), "a multi-stage Dockerfile");

        var final = lines.Skip(lastFrom).ToList();
        Assert.That(final[0], Does.Contain("mcr.microsoft.com/dotnet/aspnet:"), "the final stage runs on the ASP.NET Core runtime image");

        var user = final.LastOrDefault(l => l.StartsWith("USER ", StringComparison.OrdinalIgnoreCase));
        Assert.That(user, Is.Not.Null, "the final stage switches to a non-root user");
        Assert.That(user![5..].Trim(), Is.Not.EqualTo("root").And.Not.EqualTo("0").And.Not.StartWith("0:"));
        Assert.That(final, Has.Some.Contains("McpPlatform.Api.dll"), "the final stage runs the API");

        // appsettings.json sets Urls, which outranks ASPNETCORE_URLS: the image has to set Urls itself.
        if (File.ReadAllText(Path.Combine(root, "McpPlatform.Api", "appsettings.json")).Contains("\"Urls\"", StringComparison.Ordinal))
        {
            Assert.That(string.Join("\n", final), Does.Match(@"\bUrls=http://\+:8080\b"), "the image must override appsettings.json's Urls");
        }
    }

    private static IEnumerable<Option> ReflectedOptions() =>
    [
        .. ApiOptionsClasses().SelectMany(type => Options(SectionOf(type), Activator.CreateInstance(type)!)),
        .. Options(EncryptionOptions.Section, new EncryptionOptions()),
        .. Options(SecurityOptions.Section, new SecurityOptions()),
        .. Options(McpOptions.Section, new McpOptions()),
        .. Options(McpOptions.Section, new ConnectionOptions()),
        .. Options(McpPlatform.Infrastructure.Redis.RedisOptions.Section, new McpPlatform.Infrastructure.Redis.RedisOptions()),
        .. Options(McpPlatform.Infrastructure.Caching.RegistryCacheOptions.Section, new McpPlatform.Infrastructure.Caching.RegistryCacheOptions()),
        .. Options("OAuth", new OAuthOptions()).Select(o => OAuthFilledFrom.TryGetValue(o.Key["OAuth:".Length..], out var key) ? o with { Key = key } : o),
    ];

    /// <summary>Every options class of the API: a class named <c>…Options</c> with a <c>Section</c> constant, so that a new
    /// one cannot be left out of this check.</summary>
    private static IEnumerable<Type> ApiOptionsClasses() =>
        typeof(Program).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t.Name.EndsWith("Options", StringComparison.Ordinal) && SectionField(t) is not null);

    private static FieldInfo? SectionField(Type type) => type.GetField("Section", BindingFlags.Public | BindingFlags.Static);

    private static string SectionOf(Type type) => (string)SectionField(type)!.GetRawConstantValue()!;

    [Test]
    public void ApiOptionsClasses_AreFound() =>
        Assert.That(ApiOptionsClasses().Select(t => t.Name), Is.SupersetOf(new[] { "AuthOptions", "RateLimitOptions", "TelemetryOptions", "ServerOptions", "ClientOptions", "DatabaseOptions" }));

    /// <summary>Every public settable property; nested option objects become sub-sections, dictionaries <c>:&lt;id&gt;</c>.</summary>
    private static IEnumerable<Option> Options(string prefix, object instance)
    {
        foreach (var property in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            var type = property.PropertyType;
            var value = property.GetValue(instance);
            if (DictionaryValueType(type) is { } valueType)
            {
                yield return new Option(key + ":<id>", valueType, null);
            }
            else if (type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type))
            {
                foreach (var nested in Options(key, value ?? Activator.CreateInstance(type)!))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return new Option(key, type, value);
            }
        }
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null;

    private static bool IsList(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static string TypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) ? "string"
            : type == typeof(int) ? "int"
            : type == typeof(long) ? "long"
            : type == typeof(bool) ? "bool"
            : type == typeof(TimeSpan) ? "TimeSpan"
            : type.IsEnum ? "enum"
            : IsList(type) ? "list"
            : type.Name;
    }

    private static string EnvironmentVariable(Option option) =>
        option.Key.Replace(":", "__", StringComparison.Ordinal) + (IsList(option.Type) ? "__0" : string.Empty);

    /// <summary>How the default reads in the Default column: the first code span, <c>—</c> for none, or <c>empty</c>.</summary>
    private static string DocumentedDefault(Option option) => option.Default switch
    {
        null => "—",
        string s => $"`{s}`",
        bool b => b ? "`true`" : "`false`",
        TimeSpan t => $"`{t.ToString("c", CultureInfo.InvariantCulture)}`",
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        IEnumerable e => e.Cast<object>().Any() ? $"`{string.Join(";", e.Cast<object>())}`" : "empty",
        _ => $"`{option.Default}`",
    };

    private static string? FirstCode(string cell) => CodeSpan().Match(cell) is { Success: true } m ? m.Groups[1].Value : null;

    private static List<DocRow> ReadConfigurationReference()
    {
        var path = Path.Combine(RepoRoot(), "docs", "configuration.md");
        var rows = new List<DocRow>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|'))
            {
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells[0] == "Key" || cells[0].StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            var key = WholeCodeSpan().Match(cells[0]);
            Assert.That(key.Success && cells.Length == 5, Is.True, $"docs/configuration.md line {i + 1}: expected | `Key` | `ENV` | Type | Default | Meaning |");
            rows.Add(new DocRow(key.Groups[1].Value, cells[1], cells[2], cells[3], cells[4], i + 1));
        }

        Assert.That(rows, Is.Not.Empty, "docs/configuration.md has no key tables");
        return rows;
    }

    /// <summary>Exact, or under a placeholder key (<c>Encryption:Keys:&lt;id&gt;</c>), or an entry of a list key.</summary>
    private static bool IsDocumented(string key, IReadOnlyList<string> documented) =>
        documented.Any(d => d.Equals(key, StringComparison.OrdinalIgnoreCase)
            || (d.EndsWith('>') && d.LastIndexOf(":<", StringComparison.Ordinal) is var cut and > 0 && key.StartsWith(d[..(cut + 1)], StringComparison.OrdinalIgnoreCase) && key.Length > cut + 1)
            || (ListEntry().Match(key) is { Success: true } entry && d.Equals(entry.Groups[1].Value, StringComparison.OrdinalIgnoreCase)));

    private static YamlMappingNode ComposeServicesNode()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoRoot(), "docker-compose.yml")))
        {
            // Compose files share settings through YAML merge keys (<<: *api); resolve them as compose does.
            yaml.Load(new MergingParser(new Parser(reader)));
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return (YamlMappingNode)root["services"];
    }

    /// <summary>A service's environment, as a mapping or as a list of NAME=value.</summary>
    private static Dictionary<string, string> ServiceEnvironment(YamlMappingNode services, string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var service = (YamlMappingNode)services[name];
        if (!service.Children.TryGetValue(new YamlScalarNode("environment"), out var environment))
        {
            return result;
        }

        if (environment is YamlMappingNode mapping)
        {
            foreach (var (key, value) in mapping.Children)
            {
                result[((YamlScalarNode)key).Value!] = (value as YamlScalarNode)?.Value ?? string.Empty;
            }
        }
        else if (environment is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty))
            {
                var equals = item.IndexOf('=', StringComparison.Ordinal);
                result[equals < 0 ? item : item[..equals]] = equals < 0 ? string.Empty : item[(equals + 1)..];
            }
        }

        return result;
    }

    private static string? Scalar(YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpPlatform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains McpPlatform.sln.");
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex("^`([^`]+)`$")]
    private static partial Regex WholeCodeSpan();

    [GeneratedRegex(@"^(.+):\d+$")]
    private static partial Regex ListEntry();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?][^}]*)?\}$")]
    private static partial Regex WholeReference();

    [GeneratedRegex(@"(?i)password=(?!\$\{)[^;]")]
    private static partial Regex LiteralPassword();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ComposeVariable();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?")]
    private static partial Regex RequiredComposeVariable();

    [GeneratedRegex(@"(?m)^#?\s*([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex EnvExampleLine();

    [GeneratedRegex(@"(?m)^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")]
    private static partial Regex EnvExampleValue();
}
