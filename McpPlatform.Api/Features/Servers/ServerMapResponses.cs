using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using McpPlatform.Api.Http;
using McpPlatform.Domain.Servers;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace McpPlatform.Api.Features.Servers;

/// <summary>
/// The unpaged server list (LibreChat's name → server map) from members rendered once per server view: the registry
/// keeps its views (the public list shared by every caller, each caller's own list) until a change touches them, so a
/// view's JSON is rendered the first time it is listed and copied after that, and lives as long as the view does.
/// The entity tag is a hash of the members' hashes, so it changes exactly when the bytes do.
/// </summary>
public sealed class ServerMapResponses(IOptions<Microsoft.AspNetCore.Mvc.JsonOptions> json)
{
    private readonly ConditionalWeakTable<ServerView, Member> _members = [];

    public JsonSegmentsResult Render(IReadOnlyList<ServerView> views)
    {
        var members = new byte[views.Count][];
        using var tag = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < views.Count; i++)
        {
            // App-level views are made afresh for every list (a few): rendered each time rather than remembered.
            var member = views[i].Source == ServerSource.App ? RenderMember(views[i]) : _members.GetValue(views[i], RenderMember);
            members[i] = member.Json;
            tag.AppendData(member.Hash);
        }

        return new JsonSegmentsResult(new EntityTagHeaderValue($"\"{Convert.ToBase64String(tag.GetHashAndReset(), 0, 18)}\""), members);
    }

    private Member RenderMember(ServerView view)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Value.JsonSerializerOptions.Encoder }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(view.Name);
            JsonSerializer.Serialize(writer, McpServerResponse.From(view), json.Value.JsonSerializerOptions);
            writer.WriteEndObject();
        }

        // The member without the object's braces: "name":{…}
        var bytes = buffer.ToArray()[1..^1];
        return new Member(bytes, SHA256.HashData(bytes)[..16]);
    }

    private sealed record Member(byte[] Json, byte[] Hash);
}
