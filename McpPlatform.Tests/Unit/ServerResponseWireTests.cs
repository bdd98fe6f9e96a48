using System.Text.Json;
using System.Text.Json.Serialization;
using McpPlatform.Api.Features.Servers;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Tests.Unit;

/// <summary>
/// The JSON of a server as <c>GET /api/mcp/servers</c>, the page and the single-server routes write it (MVC's options:
/// web defaults, nulls left out), pinned byte for byte: LibreChat's SPA reads these members, and the response is mapped
/// member by member from the domain's config, so a member added to or renamed in the domain must not change it.
/// </summary>
public sealed class ServerResponseWireTests
{
    private static readonly JsonSerializerOptions Mvc = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_123);

    private static ServerView Rich() => new(Guid.Parse("0b9a5a52-4f7e-4a44-9d6b-1d2f3c4b5a69"), "rich-server", ServerSource.Db, new McpServerConfig
    {
        Type = "streamable-http", Url = "https://mcp.example.com/mcp", Title = "Rich Server", Description = "Every user field", IconPath = "https://mcp.example.com/icon.png",
        Headers = new Dictionary<string, string> { ["X-Api-Key"] = "{{API_KEY}}", ["Authorization"] = "********" },
        CustomUserVars = new Dictionary<string, CustomUserVar> { ["API_KEY"] = new("API key", "Your key"), ["NO_DESC"] = new("No description", null) },
        OAuth = new OAuthSettings
        {
            AuthorizationUrl = "https://auth.example.com/authorize", TokenUrl = "https://auth.example.com/token", ClientId = "client", Scope = "read write",
            TokenExchangeMethod = "default_post", GrantTypesSupported = ["authorization_code"], TokenEndpointAuthMethodsSupported = ["none"],
            ResponseTypesSupported = ["code"], CodeChallengeMethodsSupported = ["S256"], SkipCodeChallengeCheck = false,
            RevocationEndpoint = "https://auth.example.com/revoke", RevocationEndpointAuthMethodsSupported = ["none"],
        },
    }, At, 7);

    private static ServerView App() => new(Guid.Parse("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"), "files", ServerSource.App, new McpServerConfig
    {
        Type = "stdio", Command = "npx", Args = ["-y", "@modelcontextprotocol/server-filesystem"], Env = new Dictionary<string, string> { ["HOME"] = "********" },
        Startup = true, Timeout = 30000, InitTimeout = 10000, ChatMenu = false, ServerInstructions = "Use it well", RequiresOAuth = false,
        OAuthHeaders = new Dictionary<string, string> { ["X-Tenant"] = "********" },
    }, At, null);

    private static ServerView Bare() => new(Guid.Parse("11111111-2222-3333-4444-555555555555"), "bare", ServerSource.Db, new McpServerConfig { Url = "https://bare.example.com/sse" }, At, 1);

    [Test]
    public void AUserManagedServer_KeepsItsWireShape() =>
        Assert.That(JsonSerializer.Serialize(McpServerResponse.From(Rich()), Mvc), Is.EqualTo("""
            {"serverName":"rich-server","dbId":"0b9a5a52-4f7e-4a44-9d6b-1d2f3c4b5a69","updatedAt":1796000000123,"source":"db","type":"streamable-http","url":"https://mcp.example.com/mcp","title":"Rich Server","description":"Every user field","iconPath":"https://mcp.example.com/icon.png","headers":{"X-Api-Key":"{{API_KEY}}","Authorization":"********"},"customUserVars":{"API_KEY":{"title":"API key","description":"Your key"},"NO_DESC":{"title":"No description"}},"oauth":{"authorization_url":"https://auth.example.com/authorize","token_url":"https://auth.example.com/token","client_id":"client","scope":"read write","token_exchange_method":"default_post","grant_types_supported":["authorization_code"],"token_endpoint_auth_methods_supported":["none"],"response_types_supported":["code"],"code_challenge_methods_supported":["S256"],"skip_code_challenge_check":false,"revocation_endpoint":"https://auth.example.com/revoke","revocation_endpoint_auth_methods_supported":["none"]}}
            """));

    [Test]
    public void AnAppLevelServer_KeepsItsWireShape() =>
        Assert.That(JsonSerializer.Serialize(McpServerResponse.From(App()), Mvc), Is.EqualTo("""
            {"serverName":"files","updatedAt":1796000000123,"source":"app","type":"stdio","command":"npx","args":["-y","@modelcontextprotocol/server-filesystem"],"env":{"HOME":"********"},"startup":true,"timeout":30000,"initTimeout":10000,"chatMenu":false,"serverInstructions":"Use it well","requiresOAuth":false,"oauth_headers":{"X-Tenant":"********"}}
            """));

    [Test]
    public void TheMapAndThePage_KeepTheirWireShape()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(JsonSerializer.Serialize(new Dictionary<string, McpServerResponse> { ["bare"] = McpServerResponse.From(Bare()) }, Mvc), Is.EqualTo("""
            {"bare":{"serverName":"bare","dbId":"11111111-2222-3333-4444-555555555555","updatedAt":1796000000123,"source":"db","url":"https://bare.example.com/sse"}}
            """));
            Assert.That(JsonSerializer.Serialize(new ServerPageResponse([McpServerResponse.From(Bare())], "next"), Mvc), Is.EqualTo("""
            {"servers":[{"serverName":"bare","dbId":"11111111-2222-3333-4444-555555555555","updatedAt":1796000000123,"source":"db","url":"https://bare.example.com/sse"}],"nextCursor":"next"}
            """));
        }
    }

    [Test]
    public void TheClientSecret_IsNotPartOfTheResponse_EvenFromAConfigThatWasNotMasked()
    {
        var view = Rich() with { Config = Rich().Config with { OAuth = Rich().Config.OAuth! with { ClientSecret = "s3cr3t-value" } } };

        var json = JsonSerializer.Serialize(McpServerResponse.From(view), Mvc);

        Assert.That(json, Does.Not.Contain("client_secret").And.Not.Contain("s3cr3t-value"));
    }
}
