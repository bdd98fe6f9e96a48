using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Integration;

/// <summary>The token store on PostgreSQL: every save answers with the row's new version, so tokens just stored need
/// not be read back; a save against a version the row no longer has changes nothing.</summary>
public sealed class TokenStoreTests : ApiTest
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly CredentialKey Remote = new(Guid.CreateVersion7(), "binding-1");

    private static readonly Domain.Audit.AuditEvent Set = new("alice", Domain.Audit.AuditActions.CredentialsSet, "credentials", "alice/remote");

    private static TokenSet Tokens(string access) =>
        new(access, "rt-" + access, "Bearer", DateTimeOffset.UtcNow.AddHours(1), "read", "https://auth.example.com", "https://auth.example.com/token", "client", "none", "https://mcp.example.com/mcp", null);

    [Test]
    public async Task Saves_ReturnTheStoredVersion_AndAStaleExpectedVersionChangesNothing()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();

        var first = await store.SaveAsync("alice", Remote, Tokens("at-1"), null, None);
        var replaced = await store.SaveAsync("alice", Remote, Tokens("at-2"), null, None);
        var refreshed = await store.SaveAsync("alice", Remote, Tokens("at-3"), replaced, None);
        var stale = await store.SaveAsync("alice", Remote, Tokens("at-stale"), replaced, None);
        var read = await store.GetAsync("alice", Remote, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.EqualTo(1));
            Assert.That(replaced, Is.EqualTo(2), "a new authorization replaces the row and moves its version");
            Assert.That(refreshed, Is.EqualTo(3));
            Assert.That(stale, Is.Null, "the row has moved on from the expected version");
            Assert.That(read, Is.EqualTo(Tokens("at-3") with { ExpiresAt = read!.ExpiresAt, IssuedAt = read.IssuedAt, Version = 3 }), "the stored row is the last save that won, at the version it returned");
            Assert.That(read.IssuedAt, Is.Not.Null, "the row's last save tells how long the access token was given to live");
        }
    }

    [Test]
    public async Task Credentials_AreReadBackOnlyUnderTheBindingTheyWereStoredWith()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var variables = scope.ServiceProvider.GetRequiredService<Domain.Connections.ICredentialStore>();
        var moved = Remote with { Binding = "binding-2" };

        await tokens.SaveAsync("alice", Remote, Tokens("at-1"), null, None);
        await tokens.SaveRegistrationAsync(Remote, "https://auth.example.com", new ClientRegistration("client-1", "secret-1", "client_secret_basic"), None);
        await variables.SetAsync("alice", Remote, new Dictionary<string, string> { ["API_KEY"] = "key-1" }, Set, None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await tokens.GetAsync("alice", Remote, None), Is.Not.Null);
            Assert.That(await tokens.GetAsync("alice", moved, None), Is.Null, "tokens stored for one destination are not read for another");
            Assert.That(await tokens.GetRegistrationAsync(moved, "https://auth.example.com", None), Is.Null);
            Assert.That(await variables.GetAsync("alice", moved, None), Is.Empty);
            Assert.That((await variables.GetAsync("alice", Remote, None))["API_KEY"], Is.EqualTo("key-1"));
        }

        // A registration under the new binding replaces the old one rather than colliding with it.
        var registered = await tokens.SaveRegistrationAsync(moved, "https://auth.example.com", new ClientRegistration("client-2", "secret-2", "client_secret_basic"), None);
        await variables.SetAsync("alice", moved, new Dictionary<string, string> { ["OTHER"] = "other-1" }, Set, None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(registered.ClientId, Is.EqualTo("client-2"));
            Assert.That(await variables.GetAsync("alice", moved, None), Has.Count.EqualTo(1).And.ContainKey("OTHER"), "variables of the old binding went when new ones were set");
            Assert.That(await variables.GetAsync("alice", Remote, None), Is.Empty);
        }
    }
}
