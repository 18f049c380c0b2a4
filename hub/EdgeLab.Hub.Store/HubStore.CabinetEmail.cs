using Dapper;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore : ICabinetEmailStore
{
    public async Task AddEmailCodeAsync(EmailCodeChallenge challenge, string requesterSha256, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(
            "INSERT INTO cabinet_email_code(id, purpose, address, patient_id, code_sha256, created_at, expires_at, failed_count, used_at, requester_sha256) "
            + "VALUES (@Id, @purpose, @Address, @PatientId, @CodeSha256, @created, @expires, 0, NULL, @requesterSha256)",
            new { challenge.Id, purpose = PurposeText(challenge.Purpose), challenge.Address, challenge.PatientId, challenge.CodeSha256, created = Ms(challenge.CreatedAt), expires = Ms(challenge.ExpiresAt), requesterSha256 },
            cancellationToken)).ConfigureAwait(false);
    }

    public async Task<EmailCodeChallenge?> GetEmailCodeAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var r = await c.QuerySingleOrDefaultAsync<EmailCodeRow>(Cmd(
            "SELECT id, purpose, address, patient_id, code_sha256, created_at, expires_at, failed_count, used_at FROM cabinet_email_code WHERE id = @id",
            new { id }, cancellationToken)).ConfigureAwait(false);
        return r is null ? null : new EmailCodeChallenge(r.id, r.purpose == "link" ? EmailCodePurpose.Link : EmailCodePurpose.SignIn, r.address, r.patient_id, r.code_sha256,
            Time(r.created_at), Time(r.expires_at), (int)r.failed_count, Time(r.used_at));
    }

    public async Task<(int ForAddress, int FromRequester)> CountEmailCodesAsync(string address, string requesterSha256, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var forAddress = await c.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM cabinet_email_code WHERE address = @address AND created_at >= @since",
            new { address, since = Ms(since) }, cancellationToken)).ConfigureAwait(false);
        var fromRequester = await c.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM cabinet_email_code WHERE requester_sha256 = @requesterSha256 AND created_at >= @since",
            new { requesterSha256, since = Ms(since) }, cancellationToken)).ConfigureAwait(false);
        return ((int)forAddress, (int)fromRequester);
    }

    public async Task<int> RecordEmailCodeFailureAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (int)(await c.ExecuteScalarAsync<long?>(Cmd("UPDATE cabinet_email_code SET failed_count = failed_count + 1 WHERE id = @id RETURNING failed_count",
            new { id }, cancellationToken)).ConfigureAwait(false) ?? 0);
    }

    public async Task<bool> UseEmailCodeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteAsync(Cmd("UPDATE cabinet_email_code SET used_at = @at WHERE id = @id AND used_at IS NULL", new { id, at = Ms(at) }, cancellationToken)).ConfigureAwait(false) == 1;
    }

    public async Task<CabinetEmail?> GetEmailOfPatientAsync(string patientId, CancellationToken cancellationToken = default) =>
        await EmailWhereAsync("patient_id = @key", patientId, cancellationToken).ConfigureAwait(false);

    public async Task<CabinetEmail?> GetEmailByAddressAsync(string address, CancellationToken cancellationToken = default) =>
        await EmailWhereAsync("address = @key", address, cancellationToken).ConfigureAwait(false);

    public async Task<bool> LinkEmailAsync(string patientId, string address, DateTimeOffset at, string? consentVersion, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var owner = await c.ExecuteScalarAsync<string?>(Cmd("SELECT patient_id FROM cabinet_email WHERE address = @address", new { address }, cancellationToken, tx)).ConfigureAwait(false);
        if (owner is not null && owner != patientId) return false;
        // A new address keeps an earlier consent only when the patient gives it again with this address.
        await c.ExecuteAsync(Cmd(
            "INSERT INTO cabinet_email(patient_id, address, confirmed_at, consent_version, consent_at, withdrawn_at) VALUES (@patientId, @address, @at, @consentVersion, @consentAt, NULL) "
            + "ON CONFLICT (patient_id) DO UPDATE SET address = excluded.address, confirmed_at = excluded.confirmed_at, "
            + "consent_version = excluded.consent_version, consent_at = excluded.consent_at, withdrawn_at = NULL",
            new { patientId, address, at = Ms(at), consentVersion, consentAt = consentVersion is null ? (long?)null : Ms(at) }, cancellationToken, tx)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task SetEmailConsentAsync(string patientId, string? consentVersion, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(consentVersion is null
                ? "UPDATE cabinet_email SET withdrawn_at = @at WHERE patient_id = @patientId AND consent_at IS NOT NULL AND withdrawn_at IS NULL"
                : "UPDATE cabinet_email SET consent_version = @consentVersion, consent_at = @at, withdrawn_at = NULL WHERE patient_id = @patientId",
            new { patientId, consentVersion, at = Ms(at) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CabinetEmail>> ListConsentingEmailsAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<EmailRow>(Cmd(
            "SELECT patient_id, address, confirmed_at, consent_version, consent_at, withdrawn_at FROM cabinet_email WHERE consent_at IS NOT NULL AND withdrawn_at IS NULL ORDER BY patient_id",
            null, cancellationToken)).ConfigureAwait(false)).Select(ToEmail).ToList();
    }

    private async Task<CabinetEmail?> EmailWhereAsync(string where, string key, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var r = await c.QuerySingleOrDefaultAsync<EmailRow>(Cmd(
            $"SELECT patient_id, address, confirmed_at, consent_version, consent_at, withdrawn_at FROM cabinet_email WHERE {where}", new { key }, cancellationToken)).ConfigureAwait(false);
        return r is null ? null : ToEmail(r);
    }

    private static CabinetEmail ToEmail(EmailRow r) => new(r.patient_id, r.address, Time(r.confirmed_at), r.consent_version, Time(r.consent_at), Time(r.withdrawn_at));

    private static string PurposeText(EmailCodePurpose purpose) => purpose == EmailCodePurpose.Link ? "link" : "sign-in";

#pragma warning disable IDE1006, CA1812 // Dapper row: column names; instantiated by Dapper
    private sealed class EmailCodeRow
    {
        public string id { get; set; } = "";
        public string purpose { get; set; } = "";
        public string address { get; set; } = "";
        public string? patient_id { get; set; }
        public string code_sha256 { get; set; } = "";
        public long created_at { get; set; }
        public long expires_at { get; set; }
        public long failed_count { get; set; }
        public long? used_at { get; set; }
    }
    private sealed class EmailRow
    {
        public string patient_id { get; set; } = "";
        public string address { get; set; } = "";
        public long confirmed_at { get; set; }
        public string? consent_version { get; set; }
        public long? consent_at { get; set; }
        public long? withdrawn_at { get; set; }
    }
#pragma warning restore IDE1006, CA1812
}
