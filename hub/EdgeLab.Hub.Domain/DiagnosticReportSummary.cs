namespace EdgeLab.Hub.Domain;

public enum ReportStatus
{
    /// <summary>No result yet.</summary>
    Registered,
    /// <summary>Some tests have results, not all final and released by the lab.</summary>
    Partial,
    /// <summary>Every ordered test has a current final result.</summary>
    Final,
    /// <summary>Final, and at least one result was corrected after.</summary>
    Amended,
    Cancelled,
}

/// <summary>
/// A DiagnosticReport: one per referral per performing lab. <see cref="Id"/> is <c>{referralId}-{labId}</c>.
/// Final when all the referral's tests measured by that lab have current final results.
/// </summary>
public sealed record DiagnosticReportSummary
{
    public required string Id { get; init; }
    public required string ReferralId { get; init; }
    public required string PatientId { get; init; }
    public required string OrderingOrganizationId { get; init; }
    public required string PerformingLabId { get; init; }
    public required ReportStatus Status { get; init; }
    /// <summary>Latest result issue time (or the referral's creation while none).</summary>
    public required DateTimeOffset Issued { get; init; }
    public DateTimeOffset? EffectiveAt { get; init; }
    /// <summary>Current results in the report.</summary>
    public required IReadOnlyList<long> ResultIds { get; init; }
    public required IReadOnlyList<string> TestCodes { get; init; }
}
