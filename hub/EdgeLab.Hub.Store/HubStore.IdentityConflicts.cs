using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>
/// The patient-identity queue (migration 0005): referrals whose SNILS / OMS policy matched a registered patient with
/// other demographics, held whole until a person decides. Nothing of a held referral exists elsewhere — no patient
/// row, referral, barcode or order — so the lab is not asked to do anything for it and no one sees the other patient.
/// </summary>
public sealed partial class HubStore : IIdentityConflictStore
{
    private const string ConflictColumns =
        "id, ordering_org_id, performing_lab_id, external_id, identifier_kind, candidate_patient_id, disagreeing, submitted_json, status, created, resolved_at, resolved_by, resolution_note, patient_id, referral_id";

    public async Task<Page<IdentityConflict>> ListIdentityConflictsAsync(AccessScope scope, bool includeResolved, int count = 100, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var limit = Limit(count);
        var p = new DynamicParameters(new { take = limit + 1 });
        var where = "WHERE 1 = 1" + ConflictScope(scope, p);
        if (!includeResolved) { where += " AND status = @open"; p.Add("open", Enum(IdentityConflictStatus.Open)); }
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
                throw new StoreValidationException("the paging cursor is not valid; use the one returned with the previous page");
            where += " AND id < @before";
            p.Add("before", before);
        }
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<IdentityConflictRow>(Cmd($"SELECT {ConflictColumns} FROM identity_conflict {where} ORDER BY id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id.ToString(CultureInfo.InvariantCulture));
    }

    public async Task<IdentityConflict?> GetIdentityConflictAsync(AccessScope scope, long conflictId, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { id = conflictId });
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<IdentityConflictRow>(Cmd($"SELECT {ConflictColumns} FROM identity_conflict WHERE id = @id{ConflictScope(scope, p)}", p, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<ResolvedIdentityConflict?> ResolveIdentityConflictAsync(AccessScope scope, IdentityResolution resolution, CancellationToken cancellationToken = default)
    {
        var now = Now;
        var p = new DynamicParameters(new { id = resolution.ConflictId });
        var select = $"SELECT {ConflictColumns} FROM identity_conflict WHERE id = @id{ConflictScope(scope, p)}";
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<IdentityConflictRow>(Cmd(select, p, cancellationToken, tx)).ConfigureAwait(false);
        if (row is null) return null;
        var conflict = row.ToDomain();
        // The same locks as a registration of this patient and external id, so a resolution and a new registration (or
        // two people resolving the same item) take turns; then read the item again under them.
        await WriteLocks.TakeAsync(c, tx, database.Dialect,
            RegistrationLockKeys(conflict.SubmittedPatient, conflict.SubmittedReferral).Append($"identity-conflict:{conflict.Id}"), cancellationToken).ConfigureAwait(false);
        conflict = (await c.QuerySingleAsync<IdentityConflictRow>(Cmd(select, p, cancellationToken, tx)).ConfigureAwait(false)).ToDomain();
        if (conflict.Status != IdentityConflictStatus.Open)
            throw new StoreValidationException($"identity conflict {conflict.Id} was already resolved ({Enum(conflict.Status)}) by '{conflict.ResolvedBy}'");
        if (resolution.Correction is not null && resolution.Decision != IdentityDecision.SamePerson)
            throw new StoreValidationException("corrected demographics go with the decision 'same-person' only");

        RegisteredReferral? registered = null;
        var status = IdentityConflictStatus.Rejected;
        if (resolution.Decision != IdentityDecision.Reject)
        {
            Patient patient;
            if (resolution.Decision == IdentityDecision.SamePerson)
            {
                var candidate = await c.QuerySingleAsync<PatientRow>(Cmd($"SELECT {PatientColumns} FROM patient WHERE id = @id", new { id = conflict.CandidatePatientId }, cancellationToken, tx)).ConfigureAwait(false);
                patient = await CorrectDemographicsAsync(c, tx, candidate.ToDomain(), resolution.Correction, now, cancellationToken).ConfigureAwait(false);
                status = IdentityConflictStatus.SamePerson;
            }
            else
            {
                // A new record that shares the identifier (ix_patient_snils is not unique since 0005); later referrals
                // are matched to whichever of the two their demographics agree with.
                patient = await InsertPatientAsync(c, tx, conflict.SubmittedPatient with { Id = HubId.New() }, now, cancellationToken).ConfigureAwait(false);
                status = IdentityConflictStatus.DifferentPerson;
            }
            var specimens = conflict.SubmittedSpecimens.Select(s => (s.Type, s.TestCodes)).ToList();
            registered = await InsertReferralAsync(c, tx, patient, conflict.SubmittedReferral, specimens, now, cancellationToken).ConfigureAwait(false);
        }
        await c.ExecuteAsync(Cmd(
            "UPDATE identity_conflict SET status = @st, resolved_at = @at, resolved_by = @by, resolution_note = @note, patient_id = @pid, referral_id = @rid WHERE id = @id",
            new { st = Enum(status), at = Ms(now), by = resolution.ResolvedBy, note = resolution.Note, pid = registered?.Patient.Id, rid = registered?.Referral.Id, id = conflict.Id },
            cancellationToken, tx)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        var resolved = conflict with
        {
            Status = status,
            ResolvedAt = now,
            ResolvedBy = resolution.ResolvedBy,
            ResolutionNote = resolution.Note,
            PatientId = registered?.Patient.Id,
            ReferralId = registered?.Referral.Id,
        };
        return new ResolvedIdentityConflict(resolved, registered);
    }

    /// <summary>Stores the referral as sent, with why it is held; returns the queue id.</summary>
    private static async Task<long> HoldForIdentityReviewAsync(DbConnection c, DbTransaction tx, NewReferral referral, IdentityConflictCandidate conflict, DateTimeOffset now, CancellationToken ct)
    {
        var submitted = new HeldReferral(referral.Patient, referral.Referral, referral.Specimens.Select(s => new SpecimenRequest(s.Type, s.TestCodes)).ToList());
        return await c.ExecuteScalarAsync<long>(Cmd(
            "INSERT INTO identity_conflict(ordering_org_id, performing_lab_id, external_id, identifier_kind, candidate_patient_id, disagreeing, submitted_json, status, created) " +
            "VALUES (@org, @lab, @ext, @kind, @cand, @dis, @json, @st, @now) RETURNING id",
            new
            {
                org = referral.Referral.OrderingOrganizationId,
                lab = referral.Referral.PerformingLabId,
                ext = referral.Referral.ExternalId,
                kind = conflict.IdentifierKind,
                cand = conflict.Registered.Id,
                dis = Codes(conflict.Disagreeing),
                json = JsonSerializer.Serialize(submitted, HeldReferralJson.Default.HeldReferral),
                st = Enum(IdentityConflictStatus.Open),
                now = Ms(now),
            }, ct, tx)).ConfigureAwait(false);
    }

    /// <summary>"Same person" with corrections: the registered record takes the corrected names / birth date.</summary>
    private static async Task<Patient> CorrectDemographicsAsync(DbConnection c, DbTransaction tx, Patient registered, DemographicsCorrection? correction, DateTimeOffset now, CancellationToken ct)
    {
        if (correction is null) return registered;
        var corrected = registered with
        {
            FamilyName = correction.FamilyName?.Trim() ?? registered.FamilyName,
            GivenName = correction.GivenName?.Trim() ?? registered.GivenName,
            MiddleName = correction.MiddleName?.Trim() ?? registered.MiddleName,
            BirthDate = correction.BirthDate ?? registered.BirthDate,
            LastUpdated = now,
        };
        await c.ExecuteAsync(Cmd(
            "UPDATE patient SET family_name = @fam, family_norm = @famn, given_name = @giv, given_norm = @givn, middle_name = @mid, birth_date = @bd, last_updated = @now WHERE id = @id",
            new
            {
                fam = corrected.FamilyName,
                famn = Norm(corrected.FamilyName),
                giv = corrected.GivenName,
                givn = Norm(corrected.GivenName),
                mid = corrected.MiddleName,
                bd = Date(corrected.BirthDate),
                now = Ms(now),
                id = corrected.Id,
            }, ct, tx)).ConfigureAwait(false);
        return corrected;
    }

    /// <summary>An organization sees the queue items of the referrals it sent; the region sees all.</summary>
    private static string ConflictScope(AccessScope scope, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        p.Add("scope_org", scope.OrganizationId);
        return " AND ordering_org_id = @scope_org";
    }
}

/// <summary>A held referral as stored in <c>identity_conflict.submitted_json</c>.</summary>
public sealed record HeldReferral(Patient Patient, Referral Referral, IReadOnlyList<SpecimenRequest> Specimens);

[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(HeldReferral))]
public sealed partial class HeldReferralJson : JsonSerializerContext;

#pragma warning disable CA1812 // instantiated by Dapper
public sealed class IdentityConflictRow
{
    public long id { get; set; }
    public string ordering_org_id { get; set; } = "";
    public string performing_lab_id { get; set; } = "";
    public string? external_id { get; set; }
    public string identifier_kind { get; set; } = "";
    public string candidate_patient_id { get; set; } = "";
    public string disagreeing { get; set; } = "";
    public string submitted_json { get; set; } = "";
    public string status { get; set; } = "";
    public long created { get; set; }
    public long? resolved_at { get; set; }
    public string? resolved_by { get; set; }
    public string? resolution_note { get; set; }
    public string? patient_id { get; set; }
    public string? referral_id { get; set; }

    public IdentityConflict ToDomain()
    {
        var held = JsonSerializer.Deserialize(submitted_json, HeldReferralJson.Default.HeldReferral)
            ?? throw new InvalidOperationException($"identity_conflict {id} has no submitted referral");
        return new IdentityConflict
        {
            Id = id,
            OrderingOrganizationId = ordering_org_id,
            PerformingLabId = performing_lab_id,
            ExternalId = external_id,
            IdentifierKind = identifier_kind,
            CandidatePatientId = candidate_patient_id,
            Disagreeing = Codes(disagreeing),
            SubmittedPatient = held.Patient,
            SubmittedReferral = held.Referral,
            SubmittedSpecimens = held.Specimens,
            Status = StatusOf(status),
            Created = Time(created),
            ResolvedAt = Time(resolved_at),
            ResolvedBy = resolved_by,
            ResolutionNote = resolution_note,
            PatientId = patient_id,
            ReferralId = referral_id,
        };
    }

    /// <summary>Stored as the enum's lower-case name (<c>sameperson</c>…).</summary>
    private static IdentityConflictStatus StatusOf(string text) => Enum<IdentityConflictStatus>(text);
}
#pragma warning restore CA1812
