using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §2.33 Resource: the base of every resource. <c>resourceType</c> is the JSON discriminator (R4 §2.6.2.1),
/// so a Bundle entry or a POST body binds to the right resource type and an unknown one is refused.
/// Always serialize through the <see cref="Resource"/> type so <c>resourceType</c> is written.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "resourceType")]
[JsonDerivedType(typeof(Patient), "Patient")]
[JsonDerivedType(typeof(ServiceRequest), "ServiceRequest")]
[JsonDerivedType(typeof(Specimen), "Specimen")]
[JsonDerivedType(typeof(Observation), "Observation")]
[JsonDerivedType(typeof(DiagnosticReport), "DiagnosticReport")]
[JsonDerivedType(typeof(Location), "Location")]
[JsonDerivedType(typeof(DocumentReference), "DocumentReference")]
[JsonDerivedType(typeof(FhirTask), "Task")]
[JsonDerivedType(typeof(SupplyDelivery), "SupplyDelivery")]
[JsonDerivedType(typeof(Composition), "Composition")]
[JsonDerivedType(typeof(Organization), "Organization")]
[JsonDerivedType(typeof(Device), "Device")]
[JsonDerivedType(typeof(Bundle), "Bundle")]
[JsonDerivedType(typeof(OperationOutcome), "OperationOutcome")]
[JsonDerivedType(typeof(CapabilityStatement), "CapabilityStatement")]
internal abstract record Resource
{
    /// <summary>Logical id: <c>[A-Za-z0-9\-\.]{1,64}</c> (R4 §2.24.0.1 id).</summary>
    [JsonPropertyOrder(-20)]
    public string? Id { get; init; }

    [JsonPropertyOrder(-10)]
    public Meta? Meta { get; init; }

    [JsonIgnore]
    public abstract string ResourceType { get; }
}
