namespace EdgeLab.Hub.Domain;

/// <summary>Where a patient-identity queue item stands.</summary>
public enum IdentityConflictStatus
{
    /// <summary>Held: nothing of the referral exists yet (no patient, referral, barcode or order).</summary>
    Open,
    /// <summary>A person decided it is the registered patient; the referral was attached to them.</summary>
    SamePerson,
    /// <summary>A person decided it is someone else; a new patient record was made and the shared identifier noted.</summary>
    DifferentPerson,
    /// <summary>The referral was refused; nothing was registered.</summary>
    Rejected,
}

/// <summary>One specimen a held referral asks for: its type and the catalog codes measured from that tube.</summary>
public sealed record SpecimenRequest(string Type, IReadOnlyList<string> TestCodes);

/// <summary>
/// A referral held for patient identity review (issue 9, "Patient identity"): its SNILS or OMS policy matched a
/// registered patient whose demographics disagree, so it was neither merged onto that patient nor registered.
/// </summary>
public sealed record IdentityConflict
{
    public required long Id { get; init; }
    public required string OrderingOrganizationId { get; init; }
    public required string PerformingLabId { get; init; }
    public string? ExternalId { get; init; }
    /// <summary><c>snils</c> or <c>oms</c>: the identifier that matched.</summary>
    public required string IdentifierKind { get; init; }
    /// <summary>The registered patient the identifier matched. Never shown to the ordering organization.</summary>
    public required string CandidatePatientId { get; init; }
    /// <summary>Which fields disagree (<c>familyName</c>, <c>givenName</c>, <c>birthDate</c>, <c>snils</c>, <c>omsPolicy</c>).</summary>
    public required IReadOnlyList<string> Disagreeing { get; init; }
    /// <summary>The patient as the referral named them (the caller's own data).</summary>
    public required Patient SubmittedPatient { get; init; }
    public required Referral SubmittedReferral { get; init; }
    public required IReadOnlyList<SpecimenRequest> SubmittedSpecimens { get; init; }
    public required IdentityConflictStatus Status { get; init; }
    public required DateTimeOffset Created { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public string? ResolutionNote { get; init; }
    /// <summary>After "same person" / "different person": the patient the referral was registered on.</summary>
    public string? PatientId { get; init; }
    /// <summary>After "same person" / "different person": the registered referral.</summary>
    public string? ReferralId { get; init; }
}
