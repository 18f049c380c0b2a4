namespace EdgeLab.Hub.Referrals;

/// <summary>
/// A referral as an EMR sends it (plain data; the FHIR and JSON endpoints translate into this). The ordering
/// organization comes from the authenticated client, not from the body.
/// </summary>
public sealed record ReferralRequest
{
    public required PatientInput Patient { get; init; }
    public required string PractitionerName { get; init; }
    public string? PractitionerId { get; init; }
    /// <summary>Lab organization id that will perform the tests.</summary>
    public required string PerformingLabId { get; init; }
    /// <summary>Regional catalog codes or LOINC codes.</summary>
    public required IReadOnlyList<string> Tests { get; init; }
    /// <summary><c>routine</c> (default) or <c>stat</c>.</summary>
    public string? Priority { get; init; }
    /// <summary>The EMR's own id for the referral; registering the same one twice returns the first registration.</summary>
    public string? ExternalId { get; init; }
    public DateTimeOffset? CollectedAt { get; init; }
}

public sealed record PatientInput
{
    /// <summary>11 digits; separators (<c>123-456-789 64</c>) are accepted and removed.</summary>
    public string? Snils { get; init; }
    /// <summary>16 digits.</summary>
    public string? OmsPolicy { get; init; }
    public required string FamilyName { get; init; }
    public required string GivenName { get; init; }
    public string? MiddleName { get; init; }
    /// <summary><c>male</c>, <c>female</c>, <c>unknown</c> (also M/F/U).</summary>
    public required string Sex { get; init; }
    public required DateOnly BirthDate { get; init; }
}

/// <summary>A field-level problem with a request: <see cref="Field"/> is a JSON-path-like name, <see cref="Message"/> says cause and fix.</summary>
public sealed record ValidationError(string Field, string Message);
