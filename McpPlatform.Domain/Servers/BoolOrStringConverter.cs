using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpPlatform.Domain.Servers;

/// <summary>Reads LibreChat's <c>boolean | string</c> members (e.g. <c>serverInstructions</c>) as a string: <c>true</c> → "true".</summary>
public sealed class BoolOrStringConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException("Expected a boolean or a string."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case "true": writer.WriteBooleanValue(true); break;
            case "false": writer.WriteBooleanValue(false); break;
            default: writer.WriteStringValue(value); break;
        }
    }
}
