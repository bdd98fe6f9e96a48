using McpPlatform.Domain.Common;

namespace McpPlatform.Infrastructure.OAuth;

/// <summary>An OAuth step's failure inside the HTTP client, handed to the domain as its <see cref="Error"/> (an
/// <c>OAuthErrors</c> value) at the port.</summary>
internal sealed class OAuthFault(Error error, Exception? inner = null) : Exception(error.Message, inner)
{
    public Error Error { get; } = error;
}
