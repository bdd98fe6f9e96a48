using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Servers;
using Microsoft.Extensions.Configuration;

namespace McpPlatform.Tests.Unit;

/// <summary>App-level servers from a LibreChat YAML file and from appsettings (PRODUCT §4).</summary>
public sealed class AppServerCatalogTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private const string LibreChatYaml = """
        version: 1.2.1
        cache: true
        interface:
          mcpServers:
            use: true
            create: false
        mcpServers:
          filesystem:
            command: npx
            args:
              - -y
              - "@modelcontextprotocol/server-filesystem"
              - /home/user/files
            env:
              LOG_LEVEL: debug
              API_KEY: "12345"
          everything:
            type: sse
            url: https://everything.example.com/sse
            title: Everything
            headers:
              X-User-Id: "{{LIBRECHAT_USER_ID}}"
              Authorization: Bearer abc
            serverInstructions: true
          puppeteer:
            type: streamable-http
            url: https://puppeteer.example.com/mcp
            startup: false
            timeout: 30000
            initTimeout: 5000
            chatMenu: false
            requiresOAuth: true
            oauth:
              client_id: my-client
              scope: read write
            oauth_headers:
              X-Tenant: acme
          Alpha:
            type: sse
            url: https://alpha.example.com/sse
            serverInstructions: "Always call list first"
        """;

    private const string BareMapYaml = """
        weather:
          type: streamable-http
          url: https://weather.example.com/mcp
          description: Forecasts
        calendar:
          command: node
          args: ["calendar.js"]
        """;

    private string _dir = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mcp-catalog-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private AppServerCatalog Load(IEnumerable<KeyValuePair<string, string?>> settings) =>
        AppServerCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _dir, Now);

    private AppServerCatalog Load(params (string Key, string? Value)[] settings) =>
        Load(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)));

    [Test]
    public void WholeLibreChatYaml_ReadsItsMcpServersKey_OrderedOrdinally()
    {
        var path = Write("librechat.yaml", LibreChatYaml);

        var catalog = Load(("Mcp:ServersFile", path));

        Assert.That(catalog.All.Select(s => s.Name), Is.EqualTo(new[] { "Alpha", "everything", "filesystem", "puppeteer" }));
        Assert.That(catalog.All.Select(s => s.LoadedAt), Is.All.EqualTo(Now));
    }

    [Test]
    public void StdioEntry_ParsesCommandArgsAndEnv()
    {
        var catalog = Load(("Mcp:ServersFile", Write("librechat.yaml", LibreChatYaml)));

        var config = catalog.Find("filesystem")!.Config;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Transport, Is.EqualTo(TransportKind.Stdio));
            Assert.That(config.Type, Is.Null);
            Assert.That(config.Command, Is.EqualTo("npx"));
            Assert.That(config.Args, Is.EqualTo(new[] { "-y", "@modelcontextprotocol/server-filesystem", "/home/user/files" }));
            Assert.That(config.Env, Is.EquivalentTo(new Dictionary<string, string> { ["LOG_LEVEL"] = "debug", ["API_KEY"] = "12345" }));
        }
    }

    [Test]
    public void SseEntry_ParsesHeadersAndServerInstructionsTrue()
    {
        var catalog = Load(("Mcp:ServersFile", Write("librechat.yaml", LibreChatYaml)));

        var config = catalog.Find("everything")!.Config;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Transport, Is.EqualTo(TransportKind.Sse));
            Assert.That(config.Url, Is.EqualTo("https://everything.example.com/sse"));
            Assert.That(config.Title, Is.EqualTo("Everything"));
            Assert.That(config.Headers, Is.EquivalentTo(new Dictionary<string, string> { ["X-User-Id"] = "{{LIBRECHAT_USER_ID}}", ["Authorization"] = "Bearer abc" }));
            Assert.That(config.ServerInstructions, Is.EqualTo("true"));
        }
    }

    [Test]
    public void ServerInstructionsString_IsKeptAsText()
    {
        var catalog = Load(("Mcp:ServersFile", Write("librechat.yaml", LibreChatYaml)));

        Assert.That(catalog.Find("Alpha")!.Config.ServerInstructions, Is.EqualTo("Always call list first"));
    }

    [Test]
    public void StreamableHttpEntry_ParsesServerManagedKeys()
    {
        var catalog = Load(("Mcp:ServersFile", Write("librechat.yaml", LibreChatYaml)));

        var config = catalog.Find("puppeteer")!.Config;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Transport, Is.EqualTo(TransportKind.StreamableHttp));
            Assert.That(config.Startup, Is.False);
            Assert.That(config.Timeout, Is.EqualTo(30000));
            Assert.That(config.InitTimeout, Is.EqualTo(5000));
            Assert.That(config.ChatMenu, Is.False);
            Assert.That(config.RequiresOAuth, Is.True);
            Assert.That(config.OAuth?.ClientId, Is.EqualTo("my-client"));
            Assert.That(config.OAuth?.Scope, Is.EqualTo("read write"));
            Assert.That(config.OAuthHeaders, Is.EquivalentTo(new Dictionary<string, string> { ["X-Tenant"] = "acme" }));
        }
    }

    [Test]
    public void BareNameToConfigMap_IsReadAsServers()
    {
        var catalog = Load(("Mcp:ServersFile", Write("servers.yaml", BareMapYaml)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(catalog.All.Select(s => s.Name), Is.EqualTo(new[] { "calendar", "weather" }));
            Assert.That(catalog.Find("weather")!.Config.Transport, Is.EqualTo(TransportKind.StreamableHttp));
            Assert.That(catalog.Find("weather")!.Config.Description, Is.EqualTo("Forecasts"));
            Assert.That(catalog.Find("calendar")!.Config.Args, Is.EqualTo(new[] { "calendar.js" }));
        }
    }

    [Test]
    public void RelativeServersFile_IsResolvedAgainstTheContentRoot()
    {
        Write("servers.yaml", BareMapYaml);

        var catalog = Load(("Mcp:ServersFile", "servers.yaml"));

        Assert.That(catalog.All, Has.Count.EqualTo(2));
    }

    [Test]
    public void Find_IsOrdinalAndNullForUnknownNames()
    {
        var catalog = Load(("Mcp:ServersFile", Write("librechat.yaml", LibreChatYaml)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(catalog.Find("Alpha"), Is.Not.Null);
            Assert.That(catalog.Find("alpha"), Is.Null);
            Assert.That(catalog.Find("EVERYTHING"), Is.Null);
            Assert.That(catalog.Find("nope"), Is.Null);
        }
    }

    [Test]
    public void EmptyMcpServersKey_GivesNoServers()
    {
        var catalog = Load(("Mcp:ServersFile", Write("librechat.yaml", "version: 1.2.1\nmcpServers:\n")));

        Assert.That(catalog.All, Is.Empty);
    }

    [Test]
    public void EmptyFile_GivesNoServers()
    {
        var catalog = Load(("Mcp:ServersFile", Write("empty.yaml", "")));

        Assert.That(catalog.All, Is.Empty);
    }

    [Test]
    public void NoConfiguration_GivesAnEmptyCatalog()
    {
        var catalog = Load();

        Assert.That(catalog.All, Is.Empty);
    }

    [TestCase("mcpServers:\n  a:\n    url: x\n   b: y\n")]
    [TestCase("mcpServers:\n  a: {url: x\n")]
    [TestCase("mcpServers:\n  a: \"unterminated\n")]
    [TestCase("mcpServers:\n\ta: 1\n")]
    [TestCase("- a\nb: c\n")]
    public void MalformedYaml_FailsWithThePath(string content)
    {
        var path = Write("broken.yaml", content);

        Assert.That(() => Load(("Mcp:ServersFile", path)), Throws.InvalidOperationException.With.Message.Contains(path).And.Message.Contains("not valid YAML"));
    }

    [Test]
    
    public void MalformedYaml_UnterminatedFlowSequence_FailsWithThePath()
    {
        var path = Write("broken.yaml", "mcpServers:\n  a: [unclosed\n  b: {\n");

        Assert.That(() => Load(("Mcp:ServersFile", path)), Throws.InvalidOperationException.With.Message.Contains(path));
    }

    [Test]
    public void WrongTypeForAField_FailsWithThePathAndServer()
    {
        var path = Write("typed.yaml", "mcpServers:\n  slow:\n    url: https://a.example.com\n    timeout: soon\n");

        Assert.That(() => Load(("Mcp:ServersFile", path)), Throws.InvalidOperationException.With.Message.Contains(path).And.Message.Contains("slow"));
    }

    [Test]
    public void ServerThatIsNotAMap_FailsWithThePath()
    {
        var path = Write("scalar.yaml", "mcpServers:\n  weird: just a string\n");

        Assert.That(() => Load(("Mcp:ServersFile", path)), Throws.InvalidOperationException.With.Message.Contains(path));
    }

    [Test]
    public void MissingFile_Fails()
    {
        var path = Path.Combine(_dir, "missing.yaml");

        Assert.That(() => Load(("Mcp:ServersFile", path)), Throws.InvalidOperationException.With.Message.Contains("missing.yaml").And.Message.Contains("does not exist"));
    }

    [Test]
    public void AppSettingsServers_AreParsedWithArraysBooleansAndNumbers()
    {
        var catalog = Load(
            ("Mcp:Servers:cfg-http:type", "streamable-http"),
            ("Mcp:Servers:cfg-http:url", "https://cfg.example.com/mcp"),
            ("Mcp:Servers:cfg-http:headers:X-Api-Key", "abc"),
            ("Mcp:Servers:cfg-http:startup", "false"),
            ("Mcp:Servers:cfg-http:timeout", "15000"),
            ("Mcp:Servers:cfg-http:serverInstructions", "true"),
            ("Mcp:Servers:local:command", "node"),
            ("Mcp:Servers:local:args:0", "server.js"),
            ("Mcp:Servers:local:args:1", "--verbose"),
            ("Mcp:Servers:local:env:MODE", "dev"));

        var http = catalog.Find("cfg-http")!.Config;
        var local = catalog.Find("local")!.Config;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(catalog.All.Select(s => s.Name), Is.EqualTo(new[] { "cfg-http", "local" }));
            Assert.That(http.Transport, Is.EqualTo(TransportKind.StreamableHttp));
            Assert.That(http.Url, Is.EqualTo("https://cfg.example.com/mcp"));
            Assert.That(http.Headers, Is.EquivalentTo(new Dictionary<string, string> { ["X-Api-Key"] = "abc" }));
            Assert.That(http.Startup, Is.False);
            Assert.That(http.Timeout, Is.EqualTo(15000));
            Assert.That(http.ServerInstructions, Is.EqualTo("true"));
            Assert.That(local.Transport, Is.EqualTo(TransportKind.Stdio));
            Assert.That(local.Args, Is.EqualTo(new[] { "server.js", "--verbose" }));
            Assert.That(local.Env, Is.EquivalentTo(new Dictionary<string, string> { ["MODE"] = "dev" }));
        }
    }

    [Test]
    public void AppSettingsArrays_KeepTheirIndexOrderBeyondTen()
    {
        var settings = Enumerable.Range(0, 12).Select(i => KeyValuePair.Create($"Mcp:Servers:many:args:{i}", (string?)$"a{i}"))
            .Append(KeyValuePair.Create("Mcp:Servers:many:command", (string?)"node"));

        var catalog = Load(settings);

        Assert.That(catalog.Find("many")!.Config.Args, Is.EqualTo(Enumerable.Range(0, 12).Select(i => $"a{i}")));
    }

    [Test]
    
    public void AppSettingsNumericLookingStrings_InStringFields_StayStrings()
    {
        var catalog = Load(
            ("Mcp:Servers:local:command", "node"),
            ("Mcp:Servers:local:args:0", "--port"),
            ("Mcp:Servers:local:args:1", "8080"),
            ("Mcp:Servers:local:env:DEBUG", "true"),
            ("Mcp:Servers:local:env:WORKERS", "4"));

        var config = catalog.Find("local")!.Config;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Args, Is.EqualTo(new[] { "--port", "8080" }));
            Assert.That(config.Env, Is.EquivalentTo(new Dictionary<string, string> { ["DEBUG"] = "true", ["WORKERS"] = "4" }));
        }
    }

    [Test]
    public void AppSettings_WinOverTheYamlFileOnANameClash()
    {
        var path = Write("servers.yaml", BareMapYaml);

        var catalog = Load(
            ("Mcp:ServersFile", path),
            ("Mcp:Servers:weather:type", "sse"),
            ("Mcp:Servers:weather:url", "https://override.example.com/sse"));

        var weather = catalog.Find("weather")!.Config;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(catalog.All.Select(s => s.Name), Is.EqualTo(new[] { "calendar", "weather" }));
            Assert.That(weather.Url, Is.EqualTo("https://override.example.com/sse"));
            Assert.That(weather.Description, Is.Null, "the appsettings entry replaces the YAML one as a whole");
        }
    }

    [Test]
    public void Constructor_OrdersAllOrdinally()
    {
        var catalog = new AppServerCatalog([
            new AppServer("b", new McpServerConfig(), Now),
            new AppServer("B", new McpServerConfig(), Now),
            new AppServer("a-2", new McpServerConfig(), Now),
            new AppServer("a", new McpServerConfig(), Now),
        ]);

        Assert.That(catalog.All.Select(s => s.Name), Is.EqualTo(new[] { "B", "a", "a-2", "b" }));
    }
}
