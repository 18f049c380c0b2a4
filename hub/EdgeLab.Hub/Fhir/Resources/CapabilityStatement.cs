using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §2.40 CapabilityStatement. Required: status, date, kind, fhirVersion, format (1..*);
/// cpb-1: a capability statement SHALL have at least one of REST, messaging or document element;
/// cpb-2: a capability statement SHALL have at least one of description, software, or implementation element.
/// </summary>
internal sealed record CapabilityStatement : Resource
{
    [JsonIgnore]
    public override string ResourceType => "CapabilityStatement";

    public string? Name { get; init; }
    public string? Title { get; init; }
    /// <summary>PublicationStatus: draft | active | retired | unknown.</summary>
    public required string Status { get; init; }
    public required string Date { get; init; }
    public string? Publisher { get; init; }
    /// <summary>CapabilityStatementKind: instance | capability | requirements.</summary>
    public required string Kind { get; init; }
    public CapabilitySoftware? Software { get; init; }
    public CapabilityImplementation? Implementation { get; init; }
    public required string FhirVersion { get; init; }
    public required IReadOnlyList<string> Format { get; init; }
    public IReadOnlyList<CapabilityRest>? Rest { get; init; }
}

internal sealed record CapabilitySoftware
{
    public required string Name { get; init; }
    public string? Version { get; init; }
}

internal sealed record CapabilityImplementation
{
    public required string Description { get; init; }
    public string? Url { get; init; }
}

/// <summary>CapabilityStatement.rest: mode (client | server) 1..1.</summary>
internal sealed record CapabilityRest
{
    public required string Mode { get; init; }
    public CapabilitySecurity? Security { get; init; }
    public IReadOnlyList<CapabilityResource>? Resource { get; init; }
    /// <summary>System-level interactions: transaction | batch | search-system | history-system.</summary>
    public IReadOnlyList<CapabilityInteraction>? Interaction { get; init; }
}

internal sealed record CapabilitySecurity
{
    public bool? Cors { get; init; }
    public IReadOnlyList<CodeableConcept>? Service { get; init; }
    public string? Description { get; init; }
}

internal sealed record CapabilityResource
{
    public required string Type { get; init; }
    public IReadOnlyList<CapabilityInteraction>? Interaction { get; init; }
    public IReadOnlyList<CapabilitySearchParam>? SearchParam { get; init; }
}

/// <summary>TypeRestfulInteraction: read | vread | update | patch | delete | history-instance | history-type | create | search-type.</summary>
internal sealed record CapabilityInteraction
{
    public required string Code { get; init; }
}

/// <summary>SearchParamType: number | date | string | token | reference | composite | quantity | uri | special.</summary>
internal sealed record CapabilitySearchParam
{
    public required string Name { get; init; }
    public string? Definition { get; init; }
    public required string Type { get; init; }
    public string? Documentation { get; init; }
}
