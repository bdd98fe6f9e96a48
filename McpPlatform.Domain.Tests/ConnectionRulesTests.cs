using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Tests;

/// <summary>The pure rules of the connection layer: status derivation, connection keys, placeholders and targets.</summary>
public sealed class ConnectionRulesTests
{
    private static readonly DateTimeOffset Stamp = ConnectionTestKit.T0;

    // ---- ConnectionStatusRules.Derive -----------------------------------------------------------------------------

    [Test]
    public void Derive_NoSnapshot_IsDisconnected() =>
        Assert.That(ConnectionStatusRules.Derive(null, Stamp), Is.EqualTo(ConnectionState.Disconnected));

    [Test]
    public void Derive_SnapshotOfAnOlderConfig_IsDisconnected() =>
        Assert.That(ConnectionStatusRules.Derive(new ConnectionSnapshot(ConnectionState.Connected, null, Stamp.AddSeconds(-1)), Stamp),
            Is.EqualTo(ConnectionState.Disconnected));

    [Test]
    public void Derive_SnapshotWithoutStamp_IsDisconnected() =>
        Assert.That(ConnectionStatusRules.Derive(new ConnectionSnapshot(ConnectionState.Error, "x", null), Stamp),
            Is.EqualTo(ConnectionState.Disconnected));

    [TestCase(ConnectionState.Connected)]
    [TestCase(ConnectionState.Connecting)]
    [TestCase(ConnectionState.Error)]
    [TestCase(ConnectionState.Disconnected)]
    public void Derive_SnapshotOfTheCurrentConfig_IsItsState(ConnectionState state) =>
        Assert.That(ConnectionStatusRules.Derive(new ConnectionSnapshot(state, null, Stamp), Stamp), Is.EqualTo(state));

    [TestCase(ConnectionState.Connected, "connected")]
    [TestCase(ConnectionState.Connecting, "connecting")]
    [TestCase(ConnectionState.Error, "error")]
    [TestCase(ConnectionState.Disconnected, "disconnected")]
    public void ConnectionStates_ToWire_UsesLibreChatsStrings(ConnectionState state, string wire) =>
        Assert.That(ConnectionStates.ToWire(state), Is.EqualTo(wire));

    // ---- ConnectionStatusRules.Merge (the states several instances hold for one key) --------------------------------

    [Test]
    public void Merge_NoInstanceHoldsTheKey_IsDisconnected() =>
        Assert.That(ConnectionStatusRules.Merge([], Stamp), Is.EqualTo((ConnectionState.Disconnected, (string?)null)));

    [TestCase(ConnectionState.Connected, ConnectionState.Connecting, ConnectionState.Connected)]
    [TestCase(ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Connected)]
    [TestCase(ConnectionState.Error, ConnectionState.Connected, ConnectionState.Connected)]
    [TestCase(ConnectionState.Error, ConnectionState.Connecting, ConnectionState.Connecting)]
    [TestCase(ConnectionState.Connecting, ConnectionState.Error, ConnectionState.Connecting)]
    [TestCase(ConnectionState.Disconnected, ConnectionState.Error, ConnectionState.Error)]
    public void Merge_TakesTheBestState_ConnectedThenConnectingThenError(ConnectionState one, ConnectionState other, ConnectionState merged) =>
        Assert.That(ConnectionStatusRules.Merge([new(one, null, Stamp), new(other, null, Stamp)], Stamp).State, Is.EqualTo(merged));

    [Test]
    public void Merge_StatesOfAnOlderConfig_DoNotCount()
    {
        var older = new ConnectionSnapshot(ConnectionState.Connected, null, Stamp.AddSeconds(-1));
        var current = new ConnectionSnapshot(ConnectionState.Error, "refused", Stamp);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ConnectionStatusRules.Merge([older, current], Stamp), Is.EqualTo((ConnectionState.Error, (string?)"refused")));
            Assert.That(ConnectionStatusRules.Merge([older], Stamp).State, Is.EqualTo(ConnectionState.Disconnected));
            Assert.That(ConnectionStatusRules.Merge([new ConnectionSnapshot(ConnectionState.Connected, null, null)], Stamp).State, Is.EqualTo(ConnectionState.Disconnected));
        }
    }

    [Test]
    public void Merge_WithoutAStamp_EveryInstancesStateCounts() =>
        Assert.That(ConnectionStatusRules.Merge([new(ConnectionState.Connected, null, Stamp.AddSeconds(-1)), new(ConnectionState.Error, "x", Stamp)], null).State,
            Is.EqualTo(ConnectionState.Connected));

    [Test]
    public void Merge_CarriesTheErrorOnlyOfAnErrorState() =>
        Assert.That(ConnectionStatusRules.Merge([new(ConnectionState.Connected, "stale text", Stamp), new(ConnectionState.Error, "refused", Stamp)], Stamp),
            Is.EqualTo((ConnectionState.Connected, (string?)null)));

    // ---- ConnectionKey --------------------------------------------------------------------------------------------

    private static McpServerConfig Remote() => new() { Type = "streamable-http", Url = "https://mcp.example.com/mcp" };

    [Test]
    public void ConnectionKey_PlainServer_IsShared()
    {
        var key = ConnectionKey.For("files", Remote(), "alice");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ConnectionKey.IsPerUser(Remote()), Is.False);
            Assert.That(key, Is.EqualTo(new ConnectionKey("files", ConnectionKey.Shared)));
            Assert.That(key.Owner, Is.EqualTo(string.Empty));
            Assert.That(key.IsShared, Is.True);
            Assert.That(ConnectionKey.For("files", Remote(), "bob"), Is.EqualTo(key), "whoever asks");
        }
    }

    [Test]
    public void ConnectionKey_OAuthBlock_IsPerUser()
    {
        var config = Remote() with { OAuth = new OAuthSettings() };

        var key = ConnectionKey.For("github", config, "alice");

        Assert.That(ConnectionKey.IsPerUser(config), Is.True);
        Assert.That(key, Is.EqualTo(new ConnectionKey("github", "alice")));
        Assert.That(key.IsShared, Is.False);
    }

    [Test]
    public void ConnectionKey_RequiresOAuth_IsPerUser() =>
        Assert.That(ConnectionKey.For("github", Remote() with { RequiresOAuth = true }, "alice").Owner, Is.EqualTo("alice"));

    [Test]
    public void ConnectionKey_RequiresOAuthFalse_IsShared() =>
        Assert.That(ConnectionKey.IsPerUser(Remote() with { RequiresOAuth = false }), Is.False);

    [Test]
    public void ConnectionKey_CustomUserVars_IsPerUser()
    {
        var config = Remote() with { CustomUserVars = new Dictionary<string, CustomUserVar> { ["API_KEY"] = new("API key", null) } };

        Assert.That(ConnectionKey.For("search", config, "bob"), Is.EqualTo(new ConnectionKey("search", "bob")));
    }

    [Test]
    public void ConnectionKey_EmptyCustomUserVars_IsShared() =>
        Assert.That(ConnectionKey.IsPerUser(Remote() with { CustomUserVars = new Dictionary<string, CustomUserVar>() }), Is.False);

    [Test]
    public void UsableServer_RequiresOAuth_FollowsTheFlagThenTheOAuthBlock()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new UsableServer(Guid.Empty, "s", Remote(), Stamp, ServerSource.Db).RequiresOAuth, Is.False);
            Assert.That(new UsableServer(Guid.Empty, "s", Remote() with { OAuth = new OAuthSettings() }, Stamp, ServerSource.Db).RequiresOAuth, Is.True);
            Assert.That(new UsableServer(Guid.Empty, "s", Remote() with { RequiresOAuth = true }, Stamp, ServerSource.Db).RequiresOAuth, Is.True);
            Assert.That(new UsableServer(Guid.Empty, "s", Remote() with { OAuth = new OAuthSettings(), RequiresOAuth = false }, Stamp, ServerSource.App).RequiresOAuth, Is.False);
        }
    }

    // ---- Placeholders.Fill ----------------------------------------------------------------------------------------

    [Test]
    public void Fill_ReplacesEveryPlaceholderFromTheValues()
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);

        var filled = Placeholders.Fill("https://{{HOST}}/api/{{VERSION}}?k={{HOST}}", new Dictionary<string, string> { ["HOST"] = "h.example.com", ["VERSION"] = "v2" }, missing);

        Assert.That(filled, Is.EqualTo("https://h.example.com/api/v2?k=h.example.com"));
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Fill_LeavesAndReportsMissingVariables()
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);

        var filled = Placeholders.Fill("{{A}}-{{B}}-{{C}}", new Dictionary<string, string> { ["B"] = "bee" }, missing);

        Assert.That(filled, Is.EqualTo("{{A}}-bee-{{C}}"));
        Assert.That(missing, Is.EqualTo(new[] { "A", "C" }));
    }

    [Test]
    public void Fill_EmptyValues_CountAsMissing()
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);

        var filled = Placeholders.Fill("Bearer {{TOKEN}}", new Dictionary<string, string> { ["TOKEN"] = string.Empty }, missing);

        Assert.That(filled, Is.EqualTo("Bearer {{TOKEN}}"));
        Assert.That(missing, Is.EqualTo(new[] { "TOKEN" }));
    }

    [Test]
    public void Fill_NeverExpandsEnvironmentSyntax()
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var values = new Dictionary<string, string> { ["HOME"] = "from-values" };

        var filled = Placeholders.Fill("${HOME} $HOME %HOME% {HOME}", values, missing);

        Assert.That(filled, Is.EqualTo("${HOME} $HOME %HOME% {HOME}"));
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Fill_NeverReadsTheProcessEnvironment()
    {
        var name = "MCP_PLATFORM_UNIT_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "leaked");
        try
        {
            var missing = new SortedSet<string>(StringComparer.Ordinal);

            var filled = Placeholders.Fill($"{{{{{name}}}}}/{{{{PATH}}}}", new Dictionary<string, string>(), missing);

            Assert.That(filled, Is.EqualTo($"{{{{{name}}}}}/{{{{PATH}}}}"));
            Assert.That(missing, Is.EquivalentTo(new[] { name, "PATH" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Test]
    public void Fill_DoesNotReexpandPlaceholdersInsideValues()
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);

        var filled = Placeholders.Fill("{{A}}", new Dictionary<string, string> { ["A"] = "{{B}}", ["B"] = "secret" }, missing);

        Assert.That(filled, Is.EqualTo("{{B}}"));
    }

    [TestCase("{{A}}", true)]
    [TestCase(" {{A}} {{B}} ", true)]
    [TestCase("Bearer {{A}}", false)]
    [TestCase("", false)]
    public void IsPlaceholderOnly(string value, bool expected) =>
        Assert.That(Placeholders.IsPlaceholderOnly(value), Is.EqualTo(expected));

    // ---- ConnectionTargets ----------------------------------------------------------------------------------------

    private static readonly ConnectionOptions Options = new() { ConnectTimeout = TimeSpan.FromSeconds(30) };

    private static UsableServer Server(McpServerConfig config) => new(ServerIds.ForAppServer("search"), "search", config, Stamp, ServerSource.App);

    private static Dictionary<string, CustomUserVar> Vars(params string[] names) =>
        names.ToDictionary(n => n, n => new CustomUserVar(n, null));

    [Test]
    public void Build_FillsUrlHeadersAndEnv()
    {
        var config = new McpServerConfig
        {
            Type = "streamable-http",
            Url = "https://{{TENANT}}.example.com/mcp",
            Headers = new Dictionary<string, string> { ["X-Api-Key"] = "{{API_KEY}}", ["X-Static"] = "static" },
            Env = new Dictionary<string, string> { ["TOKEN"] = "t-{{API_KEY}}" },
            Command = "node",
            Args = ["server.js"],
            CustomUserVars = Vars("TENANT", "API_KEY"),
        };
        var values = new Dictionary<string, string> { ["TENANT"] = "acme", ["API_KEY"] = "k-123" };

        var (target, missing) = ConnectionTargets.Build(Server(config), values, Options);

        Assert.That(missing, Is.Empty);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(target.ServerName, Is.EqualTo("search"));
            Assert.That(target.Transport, Is.EqualTo(TransportKind.StreamableHttp));
            Assert.That(target.Url, Is.EqualTo(new Uri("https://acme.example.com/mcp")));
            Assert.That(target.Headers["X-Api-Key"], Is.EqualTo("k-123"));
            Assert.That(target.Headers["X-Static"], Is.EqualTo("static"));
            Assert.That(target.Headers.ContainsKey("Authorization"), Is.False);
            Assert.That(target.Env["TOKEN"], Is.EqualTo("t-k-123"));
            Assert.That(target.Command, Is.EqualTo("node"));
            Assert.That(target.Args, Is.EqualTo(new[] { "server.js" }));
            Assert.That(target.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        }
    }

    [Test]
    public void Build_WithABearerToken_AddsTheAuthorizationHeader_OverridingAConfiguredOne()
    {
        var config = new McpServerConfig
        {
            Type = "streamable-http",
            Url = "https://mcp.example.com/mcp",
            Headers = new Dictionary<string, string> { ["authorization"] = "Basic old" },
        };

        var (target, _) = ConnectionTargets.Build(Server(config), new Dictionary<string, string>(), Options, bearerToken: "at-1");

        Assert.That(target.Headers["Authorization"], Is.EqualTo("Bearer at-1"));
        Assert.That(target.Headers.Count(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1));
    }

    [Test]
    public void Build_InitTimeout_OverridesTheConnectTimeout()
    {
        var config = new McpServerConfig { Type = "sse", Url = "https://mcp.example.com/sse", InitTimeout = 2500 };

        var (target, _) = ConnectionTargets.Build(Server(config), new Dictionary<string, string>(), Options);

        Assert.That(target.ConnectTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(2500)));
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void Build_NonPositiveInitTimeout_KeepsTheConnectTimeout(int initTimeout)
    {
        var config = new McpServerConfig { Type = "sse", Url = "https://mcp.example.com/sse", InitTimeout = initTimeout };

        var (target, _) = ConnectionTargets.Build(Server(config), new Dictionary<string, string>(), Options);

        Assert.That(target.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void Build_ReportsDeclaredAndReferencedVariablesWithoutValues_Sorted()
    {
        var config = new McpServerConfig
        {
            Type = "streamable-http",
            Url = "https://mcp.example.com/{{ZETA}}",
            Headers = new Dictionary<string, string> { ["X-Undeclared"] = "{{OTHER}}" },
            CustomUserVars = Vars("ZETA", "ALPHA", "MID"),
        };

        var (_, missing) = ConnectionTargets.Build(Server(config), new Dictionary<string, string> { ["MID"] = "m" }, Options);

        Assert.That(missing, Is.EqualTo(new[] { "ALPHA", "OTHER", "ZETA" }));
    }

    [Test]
    public void MissingVariables_ListsDeclaredButUnsetVariables_Sorted()
    {
        var config = new McpServerConfig { CustomUserVars = Vars("Z_KEY", "A_KEY", "M_KEY", "EMPTY") };

        var missing = ConnectionTargets.MissingVariables(config, new Dictionary<string, string> { ["M_KEY"] = "set", ["EMPTY"] = string.Empty, ["UNDECLARED"] = "x" });

        Assert.That(missing, Is.EqualTo(new[] { "A_KEY", "EMPTY", "Z_KEY" }));
    }

    [Test]
    public void MissingVariables_NoDeclaredVariables_IsEmpty() =>
        Assert.That(ConnectionTargets.MissingVariables(new McpServerConfig(), new Dictionary<string, string>()), Is.Empty);
}
