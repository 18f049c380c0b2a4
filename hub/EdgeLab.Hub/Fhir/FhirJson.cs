using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Source-generated JSON for FHIR R4 resources (R4 §2.6.2 JSON representation): camelCase element names,
/// absent elements omitted (never <c>null</c>), <c>resourceType</c> as the discriminator and accepted in
/// any position on input. Unknown elements on input (extensions, narrative) are ignored.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(Resource))]
internal sealed partial class FhirJson : JsonSerializerContext
{
    public const string MediaType = "application/fhir+json";

    /// <summary>
    /// The generated context with Cyrillic written as is (UTF-8), not as \uXXXX escapes: bodies are
    /// application/fhir+json, never inlined into HTML, so HTML-sensitive escaping is not needed.
    /// </summary>
    private static FhirJson? s_wire;

    // Lazy: a static initializer would run before the generated default options exist.
    public static FhirJson Wire => s_wire ??= new(new JsonSerializerOptions(Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static byte[] Serialize(Resource resource) =>
        JsonSerializer.SerializeToUtf8Bytes(resource, Wire.Resource);

    /// <summary>
    /// Reads one resource; a malformed or unknown-type body, or a null array item (<see cref="FhirJsonNullItems"/>), gives a
    /// <see cref="FhirInputException"/> (→ 400). No list of the result holds null.
    /// </summary>
    public static Resource Deserialize(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var resource = JsonSerializer.Deserialize(utf8, Default.Resource)
                ?? throw new FhirInputException(IssueType.Structure, "The body is JSON null, not a FHIR resource.");
            // Lists of the resource may now hold null items: refused here, once, for every reader of the resource.
            FhirJsonNullItems.Refuse(utf8);
            return resource;
        }
        catch (JsonException e) when (e.Message.Contains("discriminator", StringComparison.OrdinalIgnoreCase))
        {
            throw new FhirInputException(IssueType.NotSupported,
                "resourceType is missing or not one this server accepts (Bundle, Patient, ServiceRequest, Specimen, Observation, DiagnosticReport).",
                string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "resourceType" : e.Path);
        }
        catch (JsonException e)
        {
            throw new FhirInputException(IssueType.Structure, $"The body is not a valid FHIR R4 JSON resource: {Describe(e)}", e.Path);
        }
        catch (NotSupportedException e)
        {
            // An unknown or missing resourceType surfaces here from the polymorphic converter.
            throw new FhirInputException(IssueType.NotSupported, $"Unsupported resource: {e.Message}");
        }
    }

    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
