using System.Text.Json;
using System.Text.Json.Serialization;
using McpPlatform.Domain.OAuth;

namespace McpPlatform.Infrastructure.FlowState;

/// <summary>How flows are kept: their JSON form and how long they are retained.</summary>
internal static class FlowJson
{
    /// <summary>Flows are kept twice their TTL: a pending flow past its TTL is refused at the callback and shows as
    /// failed (LibreChat's rule) before it disappears.</summary>
    public static TimeSpan Retention(OAuthOptions options) => options.FlowTtl * 2;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}
