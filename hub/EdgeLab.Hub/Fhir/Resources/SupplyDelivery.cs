using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 SupplyDelivery (https://hl7.org/fhir/R4/supplydelivery.html): a shipment box of specimens between labs (OpenELIS
/// models boxes the same way). status 0..1 (SupplyDeliveryStatus: in-progress | completed | abandoned | entered-in-error);
/// supplier 0..1 Reference(Practitioner | PractitionerRole | Organization); receiver 0..* allows only Practitioner and
/// PractitionerRole, so the receiving lab is the <c>destination</c> (a logical Location reference naming the lab).
/// </summary>
internal sealed record SupplyDelivery : Resource
{
    [JsonIgnore]
    public override string ResourceType => "SupplyDelivery";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public string? Status { get; init; }
    public CodeableConcept? Type { get; init; }
    public SupplyDeliveryItem? SuppliedItem { get; init; }
    public Period? OccurrencePeriod { get; init; }
    public Reference? Supplier { get; init; }
    public Reference? Destination { get; init; }
}

/// <summary>R4 SupplyDelivery.suppliedItem (BackboneElement): how many, of what.</summary>
internal sealed record SupplyDeliveryItem
{
    public Quantity? Quantity { get; init; }
    public CodeableConcept? ItemCodeableConcept { get; init; }
}
