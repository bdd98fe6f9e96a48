using McpPlatform.Api.Auth;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;
using McpPlatform.Domain.Sharing;
using McpPlatform.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.Database;

/// <summary>The development demo (<c>Database:SeedDemo</c>): two users in a group, three servers (one shared with the
/// group, one public), and a development token for each user.</summary>
public sealed partial class DemoSeed(
    PlatformDbContext db,
    ServerChangeService servers,
    SharingService sharing,
    IPrincipalDirectory directory,
    IOptions<AuthOptions> auth,
    TimeProvider clock,
    ILogger<DemoSeed> logger)
{
    public static readonly Caller DemoAdmin = new("alice", SystemRoles.Admin, ["engineering"], "Alice Admin", "alice@example.com");
    public static readonly Caller DemoUser = new("bob", SystemRoles.User, ["engineering"], "Bob User", "bob@example.com");

    public async Task SeedAsync(CancellationToken ct)
    {
        await directory.RecordAsync(DemoAdmin, ct);
        await directory.RecordAsync(DemoUser, ct);
        if (await db.Servers.AnyAsync(s => s.AuthorId == DemoAdmin.UserId || s.AuthorId == DemoUser.UserId, ct))
        {
            return;
        }

        var docs = await servers.CreateAsync(DemoAdmin, new McpServerConfig
        {
            Type = "streamable-http", Url = "https://mcp.example.com/docs", Title = "Docs Search", Description = "Search the team's documentation",
        }, ct);
        var weather = await servers.CreateAsync(DemoAdmin, new McpServerConfig
        {
            Type = "sse", Url = "https://mcp.example.com/weather/sse", Title = "Public Weather", Description = "Forecasts for everyone",
        }, ct);
        await servers.CreateAsync(DemoUser, new McpServerConfig
        {
            Type = "streamable-http", Url = "https://mcp.example.com/bob", Title = "Bob Tools", Description = "Bob's own server",
            Headers = new Dictionary<string, string> { ["X-Api-Key"] = "{{API_KEY}}" },
            CustomUserVars = new Dictionary<string, CustomUserVar> { ["API_KEY"] = new("API key", "Your key for Bob's server") },
        }, ct);
        if (docs.IsSuccess)
        {
            await sharing.UpdateAsync(DemoAdmin, docs.Value.DbId!.Value, new ShareUpdate([new ShareRequest("group", "engineering", "mcpServer_viewer")], [], null, null), ct);
        }

        if (weather.IsSuccess)
        {
            await sharing.UpdateAsync(DemoAdmin, weather.Value.DbId!.Value, new ShareUpdate([], [], true, "mcpServer_viewer"), ct);
        }

        Seeded(logger);
    }

    public IEnumerable<(Caller Caller, string Token)> Tokens() =>
        auth.Value.Jwt.SigningKey is null
            ? []
            : new[] { DemoAdmin, DemoUser }.Select(c => (c, TokenIssuer.Issue(auth.Value, new TokenRequest(c.UserId, c.Role, c.Name, c.Email, c.Groups, 12 * 60), clock.GetUtcNow())));

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the demo: users alice (ADMIN) and bob (USER) in group engineering, three servers")]
    private static partial void Seeded(ILogger logger);
}
