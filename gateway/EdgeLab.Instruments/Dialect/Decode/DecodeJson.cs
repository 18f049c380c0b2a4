using System.Text.Json.Serialization;
using EdgeLab.Instruments.Message;

namespace EdgeLab.Instruments.Dialect.Decode;

/// <summary>One line of <c>decode</c> output: one analyzer message (one order) as JSON.</summary>
internal sealed record DecodeJsonMessage(
    string Profile,
    string? SpecimenId,
    string? PatientId,
    string Kind,
    IReadOnlyList<DecodeJsonResult> Results,
    IReadOnlyList<string> Comments,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Priority = null)
{
    public static DecodeJsonMessage From(DecodedMessage m) => new(
        m.Profile, m.SpecimenId, m.PatientId, m.Kind,
        m.Results.Select(r => new DecodeJsonResult(
            r.Code, r.Value, r.Numeric, r.Comparator, r.Units, r.Flags, r.ReferenceRange, r.Status, r.CompletedAt,
            r.Comments.Count > 0 ? r.Comments : null)).ToArray(),
        m.Comments,
        m.Priority);
}

/// <summary>A result in <c>decode</c> output; <c>comments</c> appears only when C records followed the R record.</summary>
internal sealed record DecodeJsonResult(
    string Code,
    string Value,
    decimal? Numeric,
    string? Comparator,
    string? Units,
    IReadOnlyList<string> Flags,
    string? ReferenceRange,
    string? Status,
    DateTimeOffset? CompletedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Comments);

/// <summary>Source-generated serializer for <c>decode</c> output (camelCase, one compact object per line).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(DecodeJsonMessage))]
internal sealed partial class DecodeJsonContext : JsonSerializerContext;
