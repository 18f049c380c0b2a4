using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §12.8 ServiceRequest: one ordered test of a referral. status (1..1, RequestStatus: draft | active |
/// on-hold | revoked | completed | entered-in-error | unknown), intent (1..1, RequestIntent: proposal | plan |
/// directive | order | original-order | reflex-order | filler-order | instance-order | option) and subject (1..1)
/// are required. <c>requisition</c> carries the referral id shared by all requests of one referral (§12.8.5.2).
/// </summary>
internal sealed record ServiceRequest : Resource
{
    [JsonIgnore]
    public override string ResourceType => "ServiceRequest";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public Identifier? Requisition { get; init; }
    public required string Status { get; init; }
    public required string Intent { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    /// <summary>RequestPriority: routine | urgent | asap | stat.</summary>
    public string? Priority { get; init; }
    public CodeableConcept? Code { get; init; }
    public required Reference Subject { get; init; }
    public string? AuthoredOn { get; init; }
    public Reference? Requester { get; init; }
    public IReadOnlyList<Reference>? Performer { get; init; }
    public IReadOnlyList<Reference>? Specimen { get; init; }
    public IReadOnlyList<Annotation>? Note { get; init; }
}
