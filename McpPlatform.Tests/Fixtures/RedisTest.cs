using StackExchange.Redis;

namespace McpPlatform.Tests.Fixtures;

/// <summary>Base of the tests of a Redis adapter against the real Redis that <c>./scripts/test.sh</c> starts: one
/// connection for the fixture.</summary>
public abstract class RedisTest
{
    protected ConnectionMultiplexer Redis { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task ConnectAsync()
    {
        var configuration = Environment.GetEnvironmentVariable("ConnectionStrings__Redis");
        if (configuration is null)
        {
            Assert.Ignore("Needs Redis (./scripts/test.sh starts one).");
        }

        Redis = await ConnectionMultiplexer.ConnectAsync(configuration);
    }

    [OneTimeTearDown]
    public async Task DisconnectAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
