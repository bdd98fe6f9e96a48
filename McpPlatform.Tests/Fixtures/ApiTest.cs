using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Fixtures;

/// <summary>Base of the HTTP-level tests: an empty database before each test and clients for typical callers.</summary>
public abstract class ApiTest
{
    protected static readonly Caller Alice = new("alice", SystemRoles.User, ["team-a"], "Alice", "alice@example.com");
    protected static readonly Caller Bob = new("bob", SystemRoles.User, ["team-b"], "Bob", "bob@example.com");
    protected static readonly Caller Carol = new("carol", SystemRoles.User, ["team-a"], "Carol", "carol@example.com");
    protected static readonly Caller Admin = new("root", SystemRoles.Admin, [], "Root", "root@example.com");

    protected ApiFactory Api { get; private set; } = null!;

    /// <summary>The host these tests talk to; the default one unless a suite needs other settings.</summary>
    protected virtual Task<ApiFactory> StartHostAsync() => TestRun.StartApiAsync();

    [SetUp]
    public async Task ResetState()
    {
        Api = await StartHostAsync();
        await TestDatabase.ResetAsync();
        // "Already recorded" users are cached per process; the database was just emptied (the registry and role
        // reads kept in memory are dropped by the reset's revision moves).
        ((MemoryCache)Api.Services.GetRequiredService<IMemoryCache>()).Clear();
    }

    protected HttpClient As(Caller? caller) => Api.ClientFor(caller);

    /// <summary>Makes the user known to the platform (as their first request would), so they can be shared with.</summary>
    protected async Task SeeAsync(params Caller[] callers)
    {
        foreach (var caller in callers)
        {
            using var response = await As(caller).GetAsync("/api/roles/" + caller.Role);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    protected async Task<JsonObject> CreateServerAsync(Caller owner, object config)
    {
        using var response = await As(owner).PostAsJsonAsync("/api/mcp/servers", new { config });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        return JsonNode.Parse(body)!.AsObject();
    }

    protected async Task ShareAsync(Caller by, string dbId, object body)
    {
        using var response = await As(by).PutAsJsonAsync($"/api/permissions/mcpServer/{dbId}", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    protected static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new AssertionException("empty body");

    /// <summary>Asserts a ProblemDetails response with the given status and LibreChat members.</summary>
    protected static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? error = null, string? message = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var body = JsonNode.Parse(text)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body["status"]!.GetValue<int>(), Is.EqualTo((int)status));
            if (error is not null)
            {
                Assert.That(body["error"]?.GetValue<string>(), Is.EqualTo(error), text);
            }

            if (message is not null)
            {
                Assert.That(body["message"]?.GetValue<string>(), Is.EqualTo(message), text);
            }
        }

        return body;
    }

    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
