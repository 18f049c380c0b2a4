using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §8.1 Patient. EdgeLab writes the SNILS (urn:oid:1.2.643.2.69.1.1.1.6.223) and the OMS policy
/// (urn:oid:1.2.643.2.69.1.1.1.6.228) as identifiers, one official name, gender and birthDate.
/// </summary>
internal sealed record Patient : Resource
{
    [JsonIgnore]
    public override string ResourceType => "Patient";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public bool? Active { get; init; }
    public IReadOnlyList<HumanName>? Name { get; init; }
    /// <summary>AdministrativeGender (required binding): male | female | other | unknown.</summary>
    public string? Gender { get; init; }
    /// <summary>FHIR date: <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>.</summary>
    public string? BirthDate { get; init; }
}
