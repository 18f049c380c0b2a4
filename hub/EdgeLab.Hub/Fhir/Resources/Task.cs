using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 Task (https://hl7.org/fhir/R4/task.html) as the Clinical Order Workflows IG's "Lab Order Flow with Reference Lab"
/// uses it: one test sent out to another lab. status (1..1, TaskStatus) and intent (1..1, TaskIntent: <c>order</c>) are
/// required; inv-1: lastModified ≥ authoredOn.
/// </summary>
internal sealed record FhirTask : Resource
{
    [JsonIgnore]
    public override string ResourceType => "Task";

    public IReadOnlyList<Identifier>? Identifier { get; init; }
    public IReadOnlyList<Reference>? BasedOn { get; init; }
    /// <summary>The referral the test belongs to (all Tasks of one send-out share it).</summary>
    public Identifier? GroupIdentifier { get; init; }
    public required string Status { get; init; }
    public CodeableConcept? StatusReason { get; init; }
    public CodeableConcept? BusinessStatus { get; init; }
    public required string Intent { get; init; }
    public string? Priority { get; init; }
    public CodeableConcept? Code { get; init; }
    public Reference? Focus { get; init; }
    [JsonPropertyName("for")]
    public Reference? For { get; init; }
    public Period? ExecutionPeriod { get; init; }
    public string? AuthoredOn { get; init; }
    public string? LastModified { get; init; }
    public Reference? Requester { get; init; }
    public Reference? Owner { get; init; }
    public IReadOnlyList<TaskParameter>? Input { get; init; }
    public IReadOnlyList<TaskParameter>? Output { get; init; }
}

/// <summary>R4 Task.input / Task.output (BackboneElement): a typed value; EdgeLab writes references and codes.</summary>
internal sealed record TaskParameter
{
    public required CodeableConcept Type { get; init; }
    public Reference? ValueReference { get; init; }
    public CodeableConcept? ValueCodeableConcept { get; init; }
}
