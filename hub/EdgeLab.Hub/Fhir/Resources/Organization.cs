using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>R4 §8.2 Organization, only inside a СЭМД document (the hub serves no Organization endpoint). org-1: a name or an identifier.</summary>
internal sealed record Organization : Resource
{
    [JsonIgnore]
    public override string ResourceType => "Organization";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public bool? Active { get; init; }
    public IReadOnlyList<CodeableConcept>? Type { get; init; }
    public string? Name { get; init; }
}
