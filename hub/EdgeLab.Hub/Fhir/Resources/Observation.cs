using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §12.20 Observation: one laboratory result. status (1..1, ObservationStatus: registered | preliminary |
/// final | amended | corrected | cancelled | entered-in-error | unknown) and code (1..1) are required;
/// category carries <c>laboratory</c> from http://terminology.hl7.org/CodeSystem/observation-category;
/// interpretation codes come from http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation.
/// value[x] is one of valueQuantity | valueString | valueCodeableConcept (obs-7: only when there is no component).
/// </summary>
internal sealed record Observation : Resource
{
    [JsonIgnore]
    public override string ResourceType => "Observation";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public IReadOnlyList<Reference>? BasedOn { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public required CodeableConcept Code { get; init; }
    public Reference? Subject { get; init; }
    public string? EffectiveDateTime { get; init; }
    /// <summary>instant: when this version was made available (the hub's commit time).</summary>
    public string? Issued { get; init; }
    public IReadOnlyList<Reference>? Performer { get; init; }
    public Quantity? ValueQuantity { get; init; }
    public string? ValueString { get; init; }
    public CodeableConcept? ValueCodeableConcept { get; init; }
    /// <summary>R4 Observation.dataAbsentReason: only when value[x] is absent (obs-6).</summary>
    public CodeableConcept? DataAbsentReason { get; init; }
    public IReadOnlyList<CodeableConcept>? Interpretation { get; init; }
    public IReadOnlyList<Annotation>? Note { get; init; }
    public Reference? Specimen { get; init; }
    public Reference? Device { get; init; }
    public IReadOnlyList<ObservationReferenceRange>? ReferenceRange { get; init; }
}

/// <summary>R4 Observation.referenceRange (obs-3: must have at least a low or a high or text).</summary>
internal sealed record ObservationReferenceRange
{
    public Quantity? Low { get; init; }
    public Quantity? High { get; init; }
    public CodeableConcept? Type { get; init; }
    public IReadOnlyList<CodeableConcept>? AppliesTo { get; init; }
    public Range? Age { get; init; }
    public string? Text { get; init; }
}
