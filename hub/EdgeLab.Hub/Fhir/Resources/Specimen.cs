using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §12.13 Specimen: a tube with the barcode the hub issued (identifier and accessionIdentifier).
/// status (0..1, SpecimenStatus: available | unavailable | unsatisfactory | entered-in-error).
/// </summary>
internal sealed record Specimen : Resource
{
    [JsonIgnore]
    public override string ResourceType => "Specimen";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public Identifier? AccessionIdentifier { get; init; }
    public string? Status { get; init; }
    public CodeableConcept? Type { get; init; }
    public Reference? Subject { get; init; }
    public string? ReceivedTime { get; init; }
    /// <summary>The tube an aliquot was poured from (0..*; issue 15 §1).</summary>
    public IReadOnlyList<Reference>? Parent { get; init; }
    public IReadOnlyList<Reference>? Request { get; init; }
    public SpecimenCollection? Collection { get; init; }
    public IReadOnlyList<Annotation>? Note { get; init; }
}

/// <summary>R4 Specimen.collection (BackboneElement).</summary>
internal sealed record SpecimenCollection
{
    public string? CollectedDateTime { get; init; }
}
