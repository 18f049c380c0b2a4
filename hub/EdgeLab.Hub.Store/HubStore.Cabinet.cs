using Dapper;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore : ICabinetStore
{
    public async Task<CabinetAccessCodeState?> GetAccessCodeAsync(string codeSha256, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<CabinetCodeRow>(Cmd(
            "SELECT a.referral_id, a.expires_at, COALESCE(f.failed_count, 0) AS failed_count, f.locked_until FROM referral_access_code a "
            + "LEFT JOIN cabinet_access_failure f ON f.code_sha256 = a.code_sha256 WHERE a.code_sha256 = @hash",
            new { hash = codeSha256 }, cancellationToken)).ConfigureAwait(false);
        return row is null ? null : new CabinetAccessCodeState(row.referral_id, Time(row.expires_at), (int)row.failed_count, Time(row.locked_until));
    }

    public async Task<int> RecordBirthDateFailureAsync(string codeSha256, int lockAfter, DateTimeOffset now, DateTimeOffset lockedUntil, CancellationToken cancellationToken = default)
    {
        // One statement, so two wrong dates sent at once both count; SET reads the row's old values in both databases.
        const string expired = "(cabinet_access_failure.locked_until IS NOT NULL AND cabinet_access_failure.locked_until <= @now)";
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (int)await c.ExecuteScalarAsync<long>(Cmd(
            "INSERT INTO cabinet_access_failure(code_sha256, failed_count, locked_until) VALUES (@hash, 1, CASE WHEN @lockAfter <= 1 THEN @until ELSE NULL END) "
            + "ON CONFLICT (code_sha256) DO UPDATE SET "
            + $"failed_count = CASE WHEN {expired} THEN 1 ELSE cabinet_access_failure.failed_count + 1 END, "
            + $"locked_until = CASE WHEN {expired} THEN NULL WHEN cabinet_access_failure.failed_count + 1 >= @lockAfter THEN @until ELSE cabinet_access_failure.locked_until END "
            + "RETURNING failed_count",
            new { hash = codeSha256, lockAfter = (long)lockAfter, now = Ms(now), until = Ms(lockedUntil) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task ClearBirthDateFailuresAsync(string codeSha256, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("DELETE FROM cabinet_access_failure WHERE code_sha256 = @hash", new { hash = codeSha256 }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> ReleaseToPatientAsync(string referralId, string testCode, string releasedBy, string organizationId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteAsync(Cmd(
            "INSERT INTO cabinet_release(referral_id, test_code, released_by, organization_id, released_at) VALUES (@referralId, @testCode, @releasedBy, @organizationId, @at) ON CONFLICT DO NOTHING",
            new { referralId, testCode, releasedBy, organizationId, at = Ms(at) }, cancellationToken)).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlySet<string>> ReleasedToPatientAsync(string referralId, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<string>(Cmd("SELECT test_code FROM cabinet_release WHERE referral_id = @referralId", new { referralId }, cancellationToken)).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
    }

    public async Task RecordIssuedReportAsync(IssuedCabinetReport report, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(
            "INSERT INTO cabinet_report_issue(verification_id, report_id, lab_name, patient_initials, issued_at, result_count, content_sha256) "
            + "VALUES (@VerificationId, @ReportId, @LabName, @PatientInitials, @at, @count, @ContentSha256)",
            new { report.VerificationId, report.ReportId, report.LabName, report.PatientInitials, at = Ms(report.IssuedAt), count = (long)report.ResultCount, report.ContentSha256 },
            cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IssuedCabinetReport?> GetIssuedReportAsync(string verificationId, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<IssuedReportRow>(Cmd(
            "SELECT verification_id, report_id, lab_name, patient_initials, issued_at, result_count, content_sha256 FROM cabinet_report_issue WHERE verification_id = @verificationId",
            new { verificationId }, cancellationToken)).ConfigureAwait(false);
        return row is null ? null : new IssuedCabinetReport(row.verification_id, row.report_id, row.lab_name, row.patient_initials, Time(row.issued_at), (int)row.result_count, row.content_sha256);
    }

#pragma warning disable IDE1006, CA1812 // Dapper row: column names; instantiated by Dapper
    private sealed class CabinetCodeRow
    {
        public string referral_id { get; set; } = "";
        public long expires_at { get; set; }
        public long failed_count { get; set; }
        public long? locked_until { get; set; }
    }
    private sealed class IssuedReportRow
    {
        public string verification_id { get; set; } = "";
        public string report_id { get; set; } = "";
        public string lab_name { get; set; } = "";
        public string patient_initials { get; set; } = "";
        public long issued_at { get; set; }
        public long result_count { get; set; }
        public string content_sha256 { get; set; } = "";
    }
#pragma warning restore IDE1006, CA1812
}
