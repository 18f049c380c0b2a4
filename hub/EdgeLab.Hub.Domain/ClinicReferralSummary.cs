namespace EdgeLab.Hub.Domain;

/// <summary>Where a referral stands as the ordering clinic sees it (issue 13, the clinic view).</summary>
public enum ClinicReferralStatus
{
    /// <summary>Registered; no tube received at the lab yet.</summary>
    Registered,
    /// <summary>A tube was received (scanned at the lab's desk), no result yet.</summary>
    Received,
    /// <summary>Results exist but none is released (all wait for the lab doctor).</summary>
    InProgress,
    /// <summary>Some ordered tests have a released result.</summary>
    PartiallyReported,
    /// <summary>Every ordered test has a released result.</summary>
    FullyReported,
    Cancelled,
}

/// <summary>One referral in the clinic's list: the referral, its patient's name, and counts that give its status.</summary>
public sealed record ClinicReferralSummary
{
    public required Referral Referral { get; init; }
    public required string PatientName { get; init; }
    public required DateOnly PatientBirthDate { get; init; }
    /// <summary>Tubes scanned in at the lab.</summary>
    public required int TubesReceived { get; init; }
    /// <summary>Tests with a current result (any validation state).</summary>
    public required int TestsWithResult { get; init; }
    /// <summary>Tests whose current result is released (by the rules or a lab doctor).</summary>
    public required int TestsReleased { get; init; }

    public ClinicReferralStatus Status =>
        Referral.Status == ReferralStatus.Cancelled ? ClinicReferralStatus.Cancelled
        : TestsReleased >= Referral.TestCodes.Count && TestsReleased > 0 ? ClinicReferralStatus.FullyReported
        : TestsReleased > 0 ? ClinicReferralStatus.PartiallyReported
        : TestsWithResult > 0 ? ClinicReferralStatus.InProgress
        : TubesReceived > 0 ? ClinicReferralStatus.Received
        : ClinicReferralStatus.Registered;
}
