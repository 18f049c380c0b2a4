using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §10.7 Device: an analyzer, only inside a СЭМД document. status ∈ active | inactive | entered-in-error | unknown;
/// deviceName.type (required binding) ∈ udi-label-name | user-friendly-name | patient-reported-name | manufacturer-name |
/// model-name | other.
/// </summary>
internal sealed record Device : Resource
{
    [JsonIgnore]
    public override string ResourceType => "Device";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<DeviceName>? DeviceName { get; init; }
    public Reference? Owner { get; init; }
}

/// <summary>R4 Device.deviceName: name and type, both 1..1.</summary>
internal sealed record DeviceName
{
    public required string Name { get; init; }
    public required string Type { get; init; }
}
