using Microsoft.Net.Http.Headers;

namespace McpPlatform.Api.Http;

/// <summary>Strong entity tags from a hash of the exact bytes they stand for.</summary>
public static class EntityTags
{
    public static EntityTagHeaderValue Of(byte[] hash) => new($"\"{Convert.ToBase64String(hash, 0, 18).Replace('+', '-').Replace('/', '_')}\"");
}
