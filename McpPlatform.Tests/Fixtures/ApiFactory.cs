using McpPlatform.Api.Auth;
using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace McpPlatform.Tests.Fixtures;

/// <summary>The real API pipeline over the test database and Redis, with known keys and captured logs.</summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hs256!";
    public static readonly string EncryptionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>Configuration the API reads while its builder is created, so it is set as environment variables
    /// (the host's own settings are only applied once the builder builds).</summary>
    public static void ConfigureEnvironment()
    {
        Environment.SetEnvironmentVariable("ConnectionStrings__Postgres", TestDatabase.ConnectionString);
        Environment.SetEnvironmentVariable("Auth__Jwt__SigningKey", SigningKey);
        Environment.SetEnvironmentVariable("Encryption__Keys__t1", EncryptionKey);
        Environment.SetEnvironmentVariable("Encryption__ActiveKeyId", "t1");
        Environment.SetEnvironmentVariable("Database__MigrateOnStartup", "false");
        Environment.SetEnvironmentVariable("Database__SeedDemo", "false");
    }

    /// <summary>An app-level server every test host has (from <c>Mcp:Servers</c>).</summary>
    public const string AppServerName = "app-weather";
    public const int MaxServersPerUser = 25;

    public LogCapture Logs { get; } = new();

    public static readonly AuthOptions Auth = new() { Jwt = { SigningKey = SigningKey } };

    /// <summary>A token every test host and API process accepts.</summary>
    public static string IssueToken(Caller caller, int minutes = 30) =>
        TokenIssuer.Issue(Auth, new TokenRequest(caller.UserId, caller.Role, caller.Name, caller.Email, caller.Groups, minutes), DateTimeOffset.UtcNow);

    public string TokenFor(Caller caller, int minutes = 30) => IssueToken(caller, minutes);

    public HttpClient ClientFor(Caller? caller)
    {
        var client = CreateDefaultClient(new Uri("http://localhost"), new RecordingHandler());
        if (caller is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TokenFor(caller));
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("RateLimits:CreatePerMinute", "100000");
        builder.UseSetting("Mcp:MaxServersPerUser", MaxServersPerUser.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting($"Mcp:Servers:{AppServerName}:type", "streamable-http");
        builder.UseSetting($"Mcp:Servers:{AppServerName}:url", "https://weather.example.com/mcp");
        builder.UseSetting($"Mcp:Servers:{AppServerName}:title", "App Weather");
        builder.UseSetting($"Mcp:Servers:{AppServerName}:headers:Authorization", "Bearer app-level-secret-value");
        builder.UseSetting($"Mcp:Servers:{AppServerName}:startup", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
    }
}
