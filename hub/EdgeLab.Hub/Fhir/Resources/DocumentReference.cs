namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 DocumentReference (https://hl7.org/fhir/R4/documentreference.html): scanned pages of a paper card. status (1..1,
/// DocumentReferenceStatus: current | superseded | entered-in-error); content (1..*) with the PDF as an Attachment.
/// </summary>
internal sealed record DocumentReference : Resource
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string ResourceType => "DocumentReference";

    public Identifier? MasterIdentifier { get; init; }
    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public required string Status { get; init; }
    public CodeableConcept? Type { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public Reference? Subject { get; init; }
    public string? Date { get; init; }
    public string? Description { get; init; }
    public required IReadOnlyList<DocumentReferenceContent> Content { get; init; }
}

/// <summary>R4 DocumentReference.content (BackboneElement).</summary>
internal sealed record DocumentReferenceContent
{
    public required Attachment Attachment { get; init; }
}

/// <summary>
/// R4 §2.24.0.4 Attachment. <c>hash</c> is base64 SHA-1 in R4 (the SHA-256 the hub keeps goes in
/// DocumentReference.masterIdentifier); <c>creation</c> is when the content was made — here, scanned.
/// </summary>
internal sealed record Attachment
{
    public IReadOnlyList<Extension>? Extension { get; init; }
    public string? ContentType { get; init; }
    public string? Url { get; init; }
    public long? Size { get; init; }
    public string? Hash { get; init; }
    public string? Title { get; init; }
    public string? Creation { get; init; }
}

/// <summary>R4 §2.24.0.16 Extension, the value kinds EdgeLab writes.</summary>
internal sealed record Extension
{
    public required string Url { get; init; }
    public int? ValuePositiveInt { get; init; }
}
