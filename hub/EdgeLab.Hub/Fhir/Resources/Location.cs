namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §8.? Location (https://hl7.org/fhir/R4/location.html): a place of the paper card archive — archive, zone, box or a
/// position in a box — with <c>partOf</c> naming the level above. status (0..1, LocationStatus: active | suspended |
/// inactive), mode (instance | kind), physicalType from location-physical-type.
/// </summary>
internal sealed record Location : Resource
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string ResourceType => "Location";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public string? Status { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Mode { get; init; }
    public CodeableConcept? PhysicalType { get; init; }
    public Reference? PartOf { get; init; }
}
