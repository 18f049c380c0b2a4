using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Api;

/// <summary>Source-generated JSON for the plain /api: camelCase, nulls omitted, comments and trailing commas tolerated.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ReferralForm))]
[JsonSerializable(typeof(ReferralReceipt))]
[JsonSerializable(typeof(UnmatchedList))]
[JsonSerializable(typeof(ResolveRequest))]
[JsonSerializable(typeof(ResolveResponse))]
[JsonSerializable(typeof(AuditList))]
[JsonSerializable(typeof(IdentityConflictList))]
[JsonSerializable(typeof(IdentityConflictItem))]
[JsonSerializable(typeof(IdentityResolveRequest))]
[JsonSerializable(typeof(WorklistResponse))]
[JsonSerializable(typeof(DecisionRequest))]
[JsonSerializable(typeof(DecisionResponse))]
[JsonSerializable(typeof(CabinetReleaseResponse))]
[JsonSerializable(typeof(CriticalBoardResponse))]
[JsonSerializable(typeof(AcknowledgeRequest))]
internal sealed partial class ApiJson : JsonSerializerContext
{
    /// <summary>Writes Cyrillic as UTF-8 rather than \uXXXX escapes (the API returns JSON, never HTML).</summary>
    private static ApiJson? s_wire;

    // Lazy: a static initializer would run before the generated default options exist.
    public static ApiJson Wire => s_wire ??= new(new JsonSerializerOptions(Default.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Reads a JSON body; empty or malformed → 400 OperationOutcome naming where it broke.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (JsonContentTypeFilter.Problem(request.ContentType) is { } problem)
            throw new FhirInputException(IssueType.NotSupported, problem, "Content-Type", StatusCodes.Status415UnsupportedMediaType);
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted)
                ?? throw new FhirInputException(IssueType.Structure, "The body is empty or JSON null.");
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            throw new FhirInputException(IssueType.Structure,
                $"The body is not valid JSON for this call: {(cut > 0 ? message[..cut] : message)}", e.Path);
        }
    }
}
