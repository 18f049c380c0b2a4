namespace EdgeLab.Hub.Store;

/// <summary>A cabinet access code as the patient's cabinet checks it (issue 14): the referral, its expiry, the lock.</summary>
public sealed record CabinetAccessCodeState(string ReferralId, DateTimeOffset ExpiresAt, int FailedCount, DateTimeOffset? LockedUntil);

/// <summary>A PDF report the cabinet issued, as its verification page shows it (migration 0052).</summary>
public sealed record IssuedCabinetReport(string VerificationId, string ReportId, string LabName, string PatientInitials, DateTimeOffset IssuedAt, int ResultCount, string ContentSha256);

/// <summary>The patient's cabinet (issue 14): access codes of referral slips and the lockout after wrong birth dates (migration 0050).</summary>
public interface ICabinetStore
{
    /// <summary>The code with this hash, expired or not (the cabinet says "expired on …" rather than "unknown"), or null.</summary>
    Task<CabinetAccessCodeState?> GetAccessCodeAsync(string codeSha256, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a wrong birth date for the code; the <paramref name="lockAfter"/>-th in a row locks it until
    /// <paramref name="lockedUntil"/>. A lock that has run out (before <paramref name="now"/>) starts the count again.
    /// Returns the count after this failure.
    /// </summary>
    Task<int> RecordBirthDateFailureAsync(string codeSha256, int lockAfter, DateTimeOffset now, DateTimeOffset lockedUntil, CancellationToken cancellationToken = default);

    /// <summary>A right birth date: the count of wrong ones starts again.</summary>
    Task ClearBirthDateFailuresAsync(string codeSha256, CancellationToken cancellationToken = default);

    /// <summary>
    /// A clinician releases a sensitive test of a referral to the patient (migration 0051). Returns false when it was
    /// released already (the first release stays on record).
    /// </summary>
    Task<bool> ReleaseToPatientAsync(string referralId, string testCode, string releasedBy, string organizationId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The sensitive tests of the referral released to the patient.</summary>
    Task<IReadOnlySet<string>> ReleasedToPatientAsync(string referralId, CancellationToken cancellationToken = default);

    /// <summary>Records a PDF report as issued, under its verification id.</summary>
    Task RecordIssuedReportAsync(IssuedCabinetReport report, CancellationToken cancellationToken = default);

    /// <summary>The issued report with this verification id, or null.</summary>
    Task<IssuedCabinetReport?> GetIssuedReportAsync(string verificationId, CancellationToken cancellationToken = default);
}
