using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeLab.Contract;

/// <summary>Source-generated JSON for every wire payload: camelCase, nulls omitted, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ResultMessage))]
[JsonSerializable(typeof(EventMessage))]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(AckMessage))]
[JsonSerializable(typeof(OrderMessage))]
[JsonSerializable(typeof(CommandMessage))]
[JsonSerializable(typeof(CommandReplyMessage))]
[JsonSerializable(typeof(ConfigMessage))]
[JsonSerializable(typeof(CertificateRequestMessage))]
[JsonSerializable(typeof(CertificateMessage))]
[JsonSerializable(typeof(SchemaProbe))]
public sealed partial class WireJson : JsonSerializerContext
{
    /// <summary>Reads only the <c>schema</c> field, so a receiver can reject an unknown version before binding.</summary>
    public static string? PeekSchema(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, Default.SchemaProbe)?.Schema;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Just the version field of any payload.</summary>
public sealed record SchemaProbe(string? Schema);
