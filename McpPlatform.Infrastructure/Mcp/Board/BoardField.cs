using System.Text.Json;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Mcp.Board;

/// <summary>One instance's state of one connection as stored on the board: the state, the config stamp (UTC ticks)
/// and credential stamp it was made from, and the error the SPA is shown. Never a credential.</summary>
internal sealed record BoardField(ConnectionState State, long? Config, long Credential, string? Error)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static BoardField Of(ConnectionSnapshot snapshot) =>
        new(snapshot.State, snapshot.ConfigStamp?.UtcTicks, snapshot.CredentialStamp, snapshot.State == ConnectionState.Error ? snapshot.Error : null);

    public static BoardField? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<BoardField>(text, Json);
        }
        catch (JsonException)
        {
            // Written by an incompatible version: it does not count.
            return null;
        }
    }

    public ConnectionSnapshot ToSnapshot() =>
        new(State, Error, Config is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null, Credential);

    public string Serialize() => JsonSerializer.Serialize(this, Json);
}
