using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §12.17 DiagnosticReport: one per referral per performing lab. status (1..1, DiagnosticReportStatus:
/// registered | partial | preliminary | final | amended | corrected | appended | cancelled | entered-in-error |
/// unknown) and code (1..1) are required; category <c>LAB</c> from http://terminology.hl7.org/CodeSystem/v2-0074.
/// </summary>
internal sealed record DiagnosticReport : Resource
{
    [JsonIgnore]
    public override string ResourceType => "DiagnosticReport";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public IReadOnlyList<Reference>? BasedOn { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public required CodeableConcept Code { get; init; }
    public Reference? Subject { get; init; }
    public string? EffectiveDateTime { get; init; }
    public string? Issued { get; init; }
    public IReadOnlyList<Reference>? Performer { get; init; }
    public IReadOnlyList<Reference>? Specimen { get; init; }
    public IReadOnlyList<Reference>? Result { get; init; }
    public string? Conclusion { get; init; }
}
