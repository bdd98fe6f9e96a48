using System.Net;
using McpPlatform.Domain.OAuth;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>Remembers the last Bearer challenge (401/403 <c>WWW-Authenticate</c>) a session's server sent. Never
/// disposed (its HttpClient does not own it), so the shared inner handler is never disposed through it.</summary>
internal sealed class ChallengeRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public WwwAuthenticateChallenge? Last { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Last = WwwAuthenticate.ParseBearer(response.Headers.WwwAuthenticate.Select(h => h.ToString())) ?? new WwwAuthenticateChallenge(null, null, null);
        }

        return response;
    }
}
