using McpPlatform.Infrastructure.Persistence;
using McpPlatform.Infrastructure.Persistence.Repositories;
using McpPlatform.Infrastructure.Security;
using McpPlatform.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace McpPlatform.Tests.Integration;

public sealed class KeyRotationTests : ApiTest
{
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());

    [Test]
    public async Task RotateKeys_ReEncryptsEverySecret_SoTheOldKeyCanBeRemoved()
    {
        var created = await CreateServerAsync(Alice, new { type = "sse", url = "https://mcp.example.com/sse", title = "Rotated", oauth = new { client_id = "c", client_secret = "rotate-me" } });
        var serverId = Guid.Parse(created["dbId"]!.GetValue<string>());
        var both = Protector(("t1", ApiFactory.EncryptionKey), ("t2", NewKey), active: "t2");
        var underOldKey = Protector(("t1", ApiFactory.EncryptionKey), active: "t1").Protect("access-token-value", SecretContexts.AccessToken("alice", serverId, "binding"));
        await using (var db = Context())
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO oauth_tokens (user_id, server_id, binding, access_token, version, updated_at) VALUES ('alice', {serverId}, 'binding', {underOldKey}, 1, now())");
        }

        RotationReport first, second;
        await using (var db = Context())
        {
            first = await new KeyRotationService(db, both).RotateAsync(null, CancellationToken.None);
        }

        await using (var db = Context())
        {
            second = await new KeyRotationService(db, both).RotateAsync(null, CancellationToken.None);
        }

        var onlyNew = Protector(("t2", NewKey), active: "t2");
        await using (var db = Context())
        {
            var row = await db.Servers.AsNoTracking().SingleAsync(s => s.Id == serverId);
            var config = new ServerSecretsCodec(onlyNew).Decode(serverId, row.Config, row.Secrets);
            var tokenRow = await db.OAuthTokens.AsNoTracking().SingleAsync();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(first.ReEncrypted, Is.EqualTo(2));
                Assert.That(second, Is.EqualTo(new RotationReport(0, 2)), "a second run finds nothing left to do");
                Assert.That(config.OAuth?.ClientSecret, Is.EqualTo("rotate-me"));
                Assert.That(onlyNew.Unprotect(tokenRow.AccessToken, SecretContexts.AccessToken("alice", serverId, "binding")), Is.EqualTo("access-token-value"));
            }
        }
    }

    private static AesGcmSecretProtector Protector((string Id, string Key) first, string active) => Protector([first], active);

    private static AesGcmSecretProtector Protector((string Id, string Key) first, (string Id, string Key) second, string active) => Protector([first, second], active);

    private static AesGcmSecretProtector Protector((string Id, string Key)[] keys, string active) =>
        new(Options.Create(new EncryptionOptions { Keys = keys.ToDictionary(k => k.Id, k => k.Key), ActiveKeyId = active }));

    private static PlatformDbContext Context() =>
        new(new DbContextOptionsBuilder<PlatformDbContext>().UseNpgsql(TestDatabase.ConnectionString).UseSnakeCaseNamingConvention().Options);
}
