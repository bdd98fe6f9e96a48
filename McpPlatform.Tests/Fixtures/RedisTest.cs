using McpPlatform.Infrastructure.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace McpPlatform.Tests.Fixtures;

/// <summary>Base of the tests of a Redis adapter against the real Redis that <c>./scripts/test.sh</c> starts (a single
/// Redis, then a 3-master Redis Cluster): one connection and one circuit for the fixture.</summary>
public abstract class RedisTest
{
    protected ConnectionMultiplexer Redis { get; private set; } = null!;

    protected RedisCircuit Circuit { get; } = new(Options.Create(new RedisOptions()), TimeProvider.System);

    /// <summary>The run's second pass, against the Redis Cluster (scripts/test.sh sets MCP_TEST_REDIS_CLUSTER).</summary>
    public static bool AgainstCluster => Environment.GetEnvironmentVariable("MCP_TEST_REDIS_CLUSTER") == "1";

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
