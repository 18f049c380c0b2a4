using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Refuses JSON <c>null</c> as an array item anywhere in a FHIR body before it is deserialized, naming the item by its
/// FHIRPath (<c>Bundle.entry[1].resource.name[0]</c>). FHIR R4 §2.6.2 (JSON representation): an array holds
/// elements, and <c>null</c> appears in one only to pair a primitive with its extensions in the parallel
/// <c>_name</c> array — which this server does not read, so such a body is refused too. <c>_name</c> arrays themselves
/// (extensions, ignored) may hold nulls.
/// </summary>
/// <remarks>
/// One check at the JSON reading layer instead of a null test at every list the mapping code walks: the deserializer
/// puts a null item into a list of objects as is, and each place that read one was a 500 (bench/fuzz fhir-transaction
/// found <c>entry:[null]</c>, <c>name:[null]</c>, <c>coding:[null]</c>). Malformed JSON is left to the deserializer,
/// whose error is more precise.
/// </remarks>
internal static class FhirJsonNullItems
{
    private struct Level(bool isArray, string? property, bool inExtension)
    {
        public readonly bool IsArray = isArray;
        public readonly string? Property = property;
        public readonly bool InExtension = inExtension;
        public int Items;
    }

    /// <exception cref="FhirInputException">A null array item: 400 <c>structure</c> naming it.</exception>
    public static void Refuse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
        var levels = new List<Level>();
        string? property = null;
        string? rootType = null;
        string? found = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = Raw(ref reader);
                    continue; // the value that follows belongs to this property
                }
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    levels.RemoveAt(levels.Count - 1);
                    continue;
                }
                var inArray = levels.Count > 0 && levels[^1].IsArray;
                if (inArray) CollectionsMarshal.AsSpan(levels)[^1].Items++;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    var inExtension = levels.Count > 0 && levels[^1].InExtension || property?.StartsWith('_') == true;
                    levels.Add(new Level(reader.TokenType == JsonTokenType.StartArray, property, inExtension));
                }
                else if (levels.Count == 1 && property == "resourceType" && reader.TokenType == JsonTokenType.String)
                {
                    rootType = Raw(ref reader);
                }
                else if (reader.TokenType == JsonTokenType.Null && inArray && !levels[^1].InExtension)
                {
                    found ??= PathOf(levels);
                }
                property = null;
                if (found is not null && rootType is not null) break;
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the deserializer reports it with its own position.
        }
        if (found is null) return;
        var at = (rootType ?? "$") + found;
        throw new FhirInputException(IssueType.Structure,
            $"{at} is null: a FHIR JSON array holds elements, not null (R4 §2.6.2; null only stands in for a primitive with extensions, which this server does not read).",
            at);
    }

    /// <summary>
    /// A name or string as written (escapes kept; invalid UTF-8 replaced): GetString throws on invalid UTF-8, which the
    /// deserializer lets through in names it ignores (bench/fuzz fhir-transaction finding). Only for the path and the checks.
    /// </summary>
    private static string Raw(ref Utf8JsonReader reader) => Encoding.UTF8.GetString(reader.ValueSpan);

    /// <summary>The path below the root object: <c>.entry[1].resource.name[0]</c> (an array's item count, less one, is the index).</summary>
    private static string PathOf(List<Level> levels)
    {
        var path = new StringBuilder();
        for (var i = 1; i < levels.Count; i++)
        {
            if (levels[i].Property is { } name) path.Append('.').Append(name);
            if (levels[i].IsArray) path.Append('[').Append(levels[i].Items - 1).Append(']');
        }
        // A bare array at the root (not a resource): its index too.
        if (levels[0].IsArray) path.Insert(0, $"[{levels[0].Items - 1}]");
        return path.ToString();
    }
}
