namespace EdgeLab.Hub.Domain;

public enum ReferralStatus
{
    /// <summary>Registered; specimens issued; order sent to the performing lab.</summary>
    Active,
    /// <summary>Every ordered test has a final (or corrected) result.</summary>
    Completed,
    /// <summary>Cancelled by the ordering organization; the lab's gateways got a cancel.</summary>
    Cancelled,
}

/// <summary>
/// A referral (направление; FHIR ServiceRequest): the ordering organization and practitioner ask the performing lab
/// for tests from the regional catalog on one patient.
/// </summary>
public sealed record Referral
{
    public required string Id { get; init; }
    public required string PatientId { get; init; }
    public required string OrderingOrganizationId { get; init; }
    /// <summary>Practitioner's name as the EMR sent it.</summary>
    public required string PractitionerName { get; init; }
    /// <summary>The EMR's identifier of the practitioner (e.g. SNILS of the doctor or a local id), optional.</summary>
    public string? PractitionerId { get; init; }
    public required string PerformingLabId { get; init; }
    /// <summary>Regional catalog codes.</summary>
    public required IReadOnlyList<string> TestCodes { get; init; }
    /// <summary><c>routine</c> or <c>stat</c>.</summary>
    public string Priority { get; init; } = "routine";
    public required ReferralStatus Status { get; init; }
    /// <summary>The EMR's own id for this referral (idempotent re-registration), optional.</summary>
    public string? ExternalId { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset LastUpdated { get; init; }
}
