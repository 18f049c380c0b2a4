using System.Data.Common;
using Dapper;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    private const string ReferralColumns = "id, patient_id, ordering_org_id, practitioner_name, practitioner_id, performing_lab_id, test_codes, priority, status, external_id, created, last_updated";
    private const string SpecimenColumns = "id, referral_id, patient_id, type, test_codes, status, collected_at, created, last_updated";
    /// <summary>As read: <see cref="SpecimenColumns"/> and the aliquot's parent (migration 0090).</summary>
    private const string SpecimenReadColumns = SpecimenColumns + ", parent_id";

    public async Task<Referral?> GetReferralAsync(AccessScope scope, string referralId, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { id = referralId });
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<ReferralRow>(Cmd($"SELECT {ReferralColumns} FROM referral WHERE id = @id{ReferralScope(scope, "referral.id", p)}", p, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<Page<Referral>> SearchReferralsAsync(AccessScope scope, ReferralQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Limit(query.Count);
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1" + ReferralScope(scope, "referral.id", p);
        if (query.PatientId is not null) { where += " AND patient_id = @pid"; p.Add("pid", query.PatientId); }
        if (query.Status is { } st) { where += " AND status = @st"; p.Add("st", Enum(st)); }
        if (query.Cursor is not null) { where += " AND id < @cursor"; p.Add("cursor", query.Cursor); }
        p.Add("take", limit + 1);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<ReferralRow>(Cmd($"SELECT {ReferralColumns} FROM referral {where} ORDER BY id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id);
    }

    public async Task<Specimen?> GetSpecimenAsync(AccessScope scope, string specimenId, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { id = specimenId });
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<SpecimenRow>(Cmd($"SELECT {SpecimenReadColumns} FROM specimen WHERE id = @id{ReferralScope(scope, "specimen.referral_id", p)}", p, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public Task<Specimen?> FindSpecimenByBarcodeAsync(AccessScope scope, string barcode, CancellationToken cancellationToken = default) =>
        GetSpecimenAsync(scope, barcode.Trim(), cancellationToken);

    public async Task<Page<Specimen>> SearchSpecimensAsync(AccessScope scope, SpecimenQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Limit(query.Count);
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1" + ReferralScope(scope, "specimen.referral_id", p);
        if (query.PatientId is not null) { where += " AND patient_id = @pid"; p.Add("pid", query.PatientId); }
        if (query.ReferralId is not null) { where += " AND referral_id = @rid"; p.Add("rid", query.ReferralId); }
        if (query.Barcode is not null) { where += " AND id = @bc"; p.Add("bc", query.Barcode.Trim()); }
        if (query.Cursor is not null) { where += " AND id < @cursor"; p.Add("cursor", query.Cursor); }
        p.Add("take", limit + 1);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<SpecimenRow>(Cmd($"SELECT {SpecimenReadColumns} FROM specimen {where} ORDER BY id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id);
    }

    public async Task<RegistrationOutcome> RegisterReferralAsync(NewReferral referral, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var r = referral.Referral;
        var now = Now;
        await WriteLocks.TakeAsync(c, tx, database.Dialect, RegistrationLockKeys(referral.Patient, r), cancellationToken).ConfigureAwait(false);
        if (r.ExternalId is not null)
        {
            var existing = await c.QuerySingleOrDefaultAsync<ReferralRow>(Cmd(
                $"SELECT {ReferralColumns} FROM referral WHERE ordering_org_id = @org AND external_id = @ext",
                new { org = r.OrderingOrganizationId, ext = r.ExternalId }, cancellationToken, tx)).ConfigureAwait(false);
            if (existing is not null)
            {
                var (pat, specs) = await LoadReferralPartsAsync(c, tx, existing.patient_id, existing.id, cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new RegisteredReferral(pat, existing.ToDomain(), specs, AlreadyExisted: true);
            }
            // An EMR's retry of a referral that is still held gets the same queue item, not a second one.
            var held = await c.ExecuteScalarAsync<long?>(Cmd(
                "SELECT id FROM identity_conflict WHERE ordering_org_id = @org AND external_id = @ext AND status = @open ORDER BY id LIMIT 1",
                new { org = r.OrderingOrganizationId, ext = r.ExternalId, open = Enum(IdentityConflictStatus.Open) }, cancellationToken, tx)).ConfigureAwait(false);
            if (held is { } heldId)
            {
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new IdentityHold(heldId, AlreadyHeld: true);
            }
        }

        var match = await MatchPatientAsync(c, tx, referral.Patient, cancellationToken).ConfigureAwait(false);
        if (match.Conflict is { } conflict)
        {
            var conflictId = await HoldForIdentityReviewAsync(c, tx, referral, conflict, now, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new IdentityHold(conflictId, AlreadyHeld: false);
        }
        var patient = match.Patient ?? await InsertPatientAsync(c, tx, referral.Patient, now, cancellationToken).ConfigureAwait(false);
        var registered = await InsertReferralAsync(c, tx, patient, r, referral.Specimens, now, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return registered;
    }

    /// <summary>The referral, its access grants, specimens (barcodes issued) and order outbox rows, on an already matched or inserted patient.</summary>
    private async Task<RegisteredReferral> InsertReferralAsync(
        DbConnection c, DbTransaction tx, Patient patient, Referral r, IReadOnlyList<(string Type, IReadOnlyList<string> TestCodes)> specimenRequests, DateTimeOffset now, CancellationToken ct)
    {
        var stored = r with { PatientId = patient.Id, Created = now, LastUpdated = now, Status = ReferralStatus.Active };
        await c.ExecuteAsync(Cmd(
            $"INSERT INTO referral({ReferralColumns}) VALUES (@id, @pid, @org, @pn, @pi, @lab, @tests, @prio, @st, @ext, @now, @now)",
            new
            {
                id = stored.Id,
                pid = patient.Id,
                org = stored.OrderingOrganizationId,
                pn = stored.PractitionerName,
                pi = stored.PractitionerId,
                lab = stored.PerformingLabId,
                tests = Codes(stored.TestCodes),
                prio = stored.Priority,
                st = Enum(stored.Status),
                ext = stored.ExternalId,
                now = Ms(now),
            }, ct, tx)).ConfigureAwait(false);
        // Sight of the patient's demographics only: referrals, specimens and results are scoped by the referral's own
        // organizations (HubStore.ReferralScope), so this grant never shows another organization's referrals.
        foreach (var org in new[] { patient.ManagingOrganizationId, stored.OrderingOrganizationId, stored.PerformingLabId }.Distinct())
            await GrantAccessAsync(c, tx, org, patient.Id, ct).ConfigureAwait(false);

        var specimens = new List<Specimen>();
        foreach (var (type, tests) in specimenRequests)
        {
            var sequence = database.Dialect == DatabaseDialect.Sqlite
                ? await c.ExecuteScalarAsync<long>(Cmd("UPDATE barcode_counter SET value = value + 1 WHERE name = 'specimen' RETURNING value", null, ct, tx)).ConfigureAwait(false)
                : await c.ExecuteScalarAsync<long>(Cmd("SELECT nextval('specimen_barcode_seq')", null, ct, tx)).ConfigureAwait(false);
            var specimen = new Specimen
            {
                Id = SpecimenBarcode.Issue(sequence),
                ReferralId = stored.Id,
                PatientId = patient.Id,
                Type = type,
                TestCodes = tests,
                Status = SpecimenStatus.Issued,
                Created = now,
                LastUpdated = now,
            };
            await c.ExecuteAsync(Cmd(
                $"INSERT INTO specimen({SpecimenColumns}) VALUES (@id, @rid, @pid, @type, @tests, @st, @col, @now, @now)",
                new { id = specimen.Id, rid = stored.Id, pid = patient.Id, type, tests = Codes(tests), st = Enum(specimen.Status), col = (long?)null, now = Ms(now) },
                ct, tx)).ConfigureAwait(false);
            specimens.Add(specimen);
        }
        await EnqueueOrdersAsync(c, tx, patient, stored, specimens, OrderMessageFactory.Upsert, ct).ConfigureAwait(false);
        return new RegisteredReferral(patient, stored, specimens, AlreadyExisted: false);
    }

    public async Task<Referral?> CancelReferralAsync(AccessScope scope, string referralId, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { id = referralId, now = Ms(Now), st = Enum(ReferralStatus.Cancelled), sst = Enum(SpecimenStatus.Cancelled) });
        var scopeSql = OrderingScope(scope, p);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The status before the change, read under the update's row lock (UPDATE … RETURNING would give the new one):
        // only a change from not-cancelled sends cancels, so cancelling twice sends them once.
        var before = await c.QuerySingleOrDefaultAsync<string>(Cmd(
            $"SELECT status FROM referral WHERE id = @id{scopeSql}" + (database.Dialect == DatabaseDialect.Postgres ? " FOR UPDATE" : ""), p, cancellationToken, tx)).ConfigureAwait(false);
        if (before is null) return null;
        await c.ExecuteAsync(Cmd("UPDATE referral SET status = @st, last_updated = @now WHERE id = @id", p, cancellationToken, tx)).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("UPDATE specimen SET status = @sst, last_updated = @now WHERE referral_id = @id", p, cancellationToken, tx)).ConfigureAwait(false);
        var row = await c.QuerySingleAsync<ReferralRow>(Cmd($"SELECT {ReferralColumns} FROM referral WHERE id = @id", p, cancellationToken, tx)).ConfigureAwait(false);
        var cancelled = row.ToDomain();
        if (before != Enum(ReferralStatus.Cancelled))
        {
            var (patient, specimens) = await LoadReferralPartsAsync(c, tx, cancelled.PatientId, cancelled.Id, cancellationToken).ConfigureAwait(false);
            await EnqueueOrdersAsync(c, tx, patient, cancelled, specimens, OrderMessageFactory.Cancel, cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return cancelled;
    }

    /// <summary>The referral's patient and specimens (no scope: callers have checked the referral).</summary>
    internal async Task<(Patient Patient, IReadOnlyList<Specimen> Specimens)> LoadReferralPartsAsync(
        DbConnection c, DbTransaction? tx, string patientId, string referralId, CancellationToken ct)
    {
        var patient = await c.QuerySingleAsync<PatientRow>(Cmd($"SELECT {PatientColumns} FROM patient WHERE id = @id", new { id = patientId }, ct, tx)).ConfigureAwait(false);
        var specimens = await c.QueryAsync<SpecimenRow>(Cmd($"SELECT {SpecimenReadColumns} FROM specimen WHERE referral_id = @id ORDER BY id", new { id = referralId }, ct, tx)).ConfigureAwait(false);
        return (patient.ToDomain(), specimens.Select(s => s.ToDomain()).ToList());
    }

    /// <summary>The registered patient the referral names, a conflict to hold, or neither (a new patient).</summary>
    private readonly record struct PatientMatch(Patient? Patient, IdentityConflictCandidate? Conflict);

    /// <summary>A registered patient sharing an identifier with the referral's patient, whose demographics disagree.</summary>
    private sealed record IdentityConflictCandidate(Patient Registered, string IdentifierKind, IReadOnlyList<string> Disagreeing);

    /// <summary>
    /// Every registered patient with the referral's SNILS, then with its OMS policy (one SNILS can name two records once a
    /// person decided "different person"): the first whose demographics agree is the match; if some share an
    /// identifier but none agrees, the first of those is the conflict (PatientIdentity says why).
    /// </summary>
    private static async Task<PatientMatch> MatchPatientAsync(DbConnection c, DbTransaction tx, Patient patient, CancellationToken ct)
    {
        var candidates = new List<(PatientRow Row, string Kind)>();
        if (patient.Snils is not null)
            candidates.AddRange((await c.QueryAsync<PatientRow>(Cmd($"SELECT {PatientColumns} FROM patient WHERE snils = @s ORDER BY id", new { s = patient.Snils }, ct, tx)).ConfigureAwait(false))
                .Select(row => (row, "snils")));
        if (patient.OmsPolicy is not null)
            candidates.AddRange((await c.QueryAsync<PatientRow>(Cmd($"SELECT {PatientColumns} FROM patient WHERE oms_policy = @o ORDER BY id", new { o = patient.OmsPolicy }, ct, tx)).ConfigureAwait(false))
                .Where(row => candidates.All(k => k.Row.id != row.id)).Select(row => (row, "oms")));
        IdentityConflictCandidate? conflict = null;
        foreach (var (row, kind) in candidates)
        {
            var registered = row.ToDomain();
            var disagreeing = PatientIdentity.Disagreements(registered, patient);
            if (disagreeing.Count == 0) return new PatientMatch(registered, null);
            conflict ??= new IdentityConflictCandidate(registered, kind, disagreeing);
        }
        return new PatientMatch(null, conflict);
    }

    private static async Task<Patient> InsertPatientAsync(DbConnection c, DbTransaction tx, Patient patient, DateTimeOffset now, CancellationToken ct)
    {
        var stored = patient with { Created = now, LastUpdated = now };
        await c.ExecuteAsync(Cmd(
            $"INSERT INTO patient(id, managing_org_id, snils, oms_policy, family_name, family_norm, given_name, given_norm, middle_name, sex, birth_date, created, last_updated) " +
            "VALUES (@id, @org, @snils, @oms, @fam, @famn, @giv, @givn, @mid, @sex, @bd, @now, @now)",
            new
            {
                id = stored.Id,
                org = stored.ManagingOrganizationId,
                snils = stored.Snils,
                oms = stored.OmsPolicy,
                fam = stored.FamilyName,
                famn = Norm(stored.FamilyName),
                giv = stored.GivenName,
                givn = Norm(stored.GivenName),
                mid = stored.MiddleName,
                sex = Sex(stored.Sex),
                bd = Date(stored.BirthDate),
                now = Ms(now),
            }, ct, tx)).ConfigureAwait(false);
        return stored;
    }

    /// <summary>What a registration looks up before it inserts: the referral's external id, the patient's SNILS and OMS policy.</summary>
    private static IEnumerable<string> RegistrationLockKeys(Patient patient, Referral referral)
    {
        if (referral.ExternalId is { } ext) yield return $"referral-external:{referral.OrderingOrganizationId}:{ext}";
        if (patient.Snils is { } snils) yield return $"patient-snils:{snils}";
        if (patient.OmsPolicy is { } oms) yield return $"patient-oms:{oms}";
    }

    private static Task GrantAccessAsync(DbConnection c, DbTransaction tx, string org, string patientId, CancellationToken ct) =>
        c.ExecuteAsync(Cmd("INSERT INTO patient_access(org_id, patient_id) VALUES (@org, @pid) ON CONFLICT DO NOTHING", new { org, pid = patientId }, ct, tx));
}
