using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Redis;

/// <summary>Redis did not answer within the command timeout, or the circuit in front of it is open. A
/// <see cref="RedisException"/>, so that everything already treating Redis trouble as "shared state unavailable"
/// (the API's 503, the readiness check, the reads that fall back to PostgreSQL) treats this the same.</summary>
public sealed class RedisUnavailableException : RedisException
{
    public RedisUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
