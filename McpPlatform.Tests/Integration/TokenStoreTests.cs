using McpPlatform.Domain.OAuth;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Integration;

/// <summary>The token store on PostgreSQL: every save answers with the row's new version, so tokens just stored need
/// not be read back; a save against a version the row no longer has changes nothing.</summary>
public sealed class TokenStoreTests : ApiTest
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static TokenSet Tokens(string access) =>
        new(access, "rt-" + access, "Bearer", DateTimeOffset.UtcNow.AddHours(1), "read", "https://auth.example.com", "https://auth.example.com/token", "client", "none", "https://mcp.example.com/mcp", null);

    [Test]
    public async Task Saves_ReturnTheStoredVersion_AndAStaleExpectedVersionChangesNothing()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();

        var first = await store.SaveAsync("alice", "remote", Tokens("at-1"), null, None);
        var replaced = await store.SaveAsync("alice", "remote", Tokens("at-2"), null, None);
        var refreshed = await store.SaveAsync("alice", "remote", Tokens("at-3"), replaced, None);
        var stale = await store.SaveAsync("alice", "remote", Tokens("at-stale"), replaced, None);
        var read = await store.GetAsync("alice", "remote", None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.EqualTo(1));
            Assert.That(replaced, Is.EqualTo(2), "a new authorization replaces the row and moves its version");
            Assert.That(refreshed, Is.EqualTo(3));
            Assert.That(stale, Is.Null, "the row has moved on from the expected version");
            Assert.That(read, Is.EqualTo(Tokens("at-3") with { ExpiresAt = read!.ExpiresAt, Version = 3 }), "the stored row is the last save that won, at the version it returned");
        }
    }
}
