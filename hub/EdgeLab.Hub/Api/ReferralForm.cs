namespace EdgeLab.Hub.Api;

/// <summary>
/// <c>POST /api/referrals</c> body: the plain JSON form of a referral, for EMRs that do not speak FHIR.
/// The ordering organization is the authenticated client's; <see cref="OrderingOrganization"/>, when sent, must match.
/// </summary>
internal sealed record ReferralForm
{
    public ReferralFormPatient? Patient { get; init; }
    public string? OrderingOrganization { get; init; }
    /// <summary>The ordering practitioner's name.</summary>
    public string? Practitioner { get; init; }
    /// <summary>The EMR's id of the practitioner (optional).</summary>
    public string? PractitionerId { get; init; }
    /// <summary>Regional catalog codes (or LOINC codes).</summary>
    public IReadOnlyList<string>? Tests { get; init; }
    public string? PerformingLab { get; init; }
    /// <summary><c>routine</c> (default) or <c>stat</c>.</summary>
    public string? Priority { get; init; }
    /// <summary>The EMR's own referral id: registering it again returns the first registration.</summary>
    public string? ExternalId { get; init; }
    public DateTimeOffset? CollectedAt { get; init; }
}

internal sealed record ReferralFormPatient
{
    public string? Snils { get; init; }
    public string? Oms { get; init; }
    public string? Family { get; init; }
    public string? Given { get; init; }
    public string? Middle { get; init; }
    /// <summary><c>male</c> | <c>female</c> | <c>unknown</c> (also M/F/U).</summary>
    public string? Sex { get; init; }
    /// <summary><c>YYYY-MM-DD</c>.</summary>
    public string? BirthDate { get; init; }
}

/// <summary>The answer to a registration: the referral and the specimen barcodes to print.</summary>
internal sealed record ReferralReceipt
{
    public required string ReferralId { get; init; }
    public required string PatientId { get; init; }
    public required string Status { get; init; }
    /// <summary>True when the same external id was registered before and this is that registration.</summary>
    public bool AlreadyExisted { get; init; }
    public required IReadOnlyList<SpecimenReceipt> Specimens { get; init; }
}

internal sealed record SpecimenReceipt
{
    public required string Barcode { get; init; }
    public required string Type { get; init; }
    public required IReadOnlyList<string> Tests { get; init; }
    public required string LabelZpl { get; init; }
    public required string LabelPdf { get; init; }
    public required string Fhir { get; init; }
}
