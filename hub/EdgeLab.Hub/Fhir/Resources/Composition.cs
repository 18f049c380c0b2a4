using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §2.42 Composition: the first entry of a document Bundle (bdl-11). status (1..1, CompositionStatus: preliminary |
/// final | amended | entered-in-error), type (1..1), date (1..1), author (1..*), title (1..1) are required; identifier is
/// 0..1 in R4. Sections: cmp-1 (text, entries or sub-sections), cmp-2 (emptyReason only when there are no entries).
/// </summary>
internal sealed record Composition : Resource
{
    [JsonIgnore]
    public override string ResourceType => "Composition";

    [JsonPropertyOrder(-5)]
    public string? Language { get; init; }
    public Identifier? Identifier { get; init; }
    public required string Status { get; init; }
    public required CodeableConcept Type { get; init; }
    public Reference? Subject { get; init; }
    public required string Date { get; init; }
    public required IReadOnlyList<Reference> Author { get; init; }
    public required string Title { get; init; }
    /// <summary>v3-ConfidentialityClassification (required binding): U | L | M | N | R | V.</summary>
    public string? Confidentiality { get; init; }
    public Reference? Custodian { get; init; }
    public IReadOnlyList<CompositionSection>? Section { get; init; }
}

/// <summary>R4 Composition.section.</summary>
internal sealed record CompositionSection
{
    public string? Title { get; init; }
    public CodeableConcept? Code { get; init; }
    public Narrative? Text { get; init; }
    public IReadOnlyList<Reference>? Entry { get; init; }
    public CodeableConcept? EmptyReason { get; init; }
}

/// <summary>
/// R4 §2.24.0.3 Narrative: status (generated | extensions | additional | empty) and an XHTML <c>div</c> in the XHTML
/// namespace with only the basic formatting elements and no scripts (txt-1, txt-2).
/// </summary>
internal sealed record Narrative
{
    public required string Status { get; init; }
    public required string Div { get; init; }
}
