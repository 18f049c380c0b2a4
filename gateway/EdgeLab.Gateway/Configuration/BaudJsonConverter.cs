using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeLab.Gateway.Configuration;

/// <summary>A baud rate as a number, or the word <c>"auto"</c> (<see cref="TransportConfig.AutoBaud"/>), both ways.</summary>
internal sealed class BaudJsonConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("auto"u8)
            ? TransportConfig.AutoBaud
            : reader.GetInt32();

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options)
    {
        if (value == TransportConfig.AutoBaud) writer.WriteStringValue("auto");
        else writer.WriteNumberValue(value);
    }
}
