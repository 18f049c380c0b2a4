using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>The lab doctor's worklist and decisions (issue 13). lab_result stays insert-only: decisions are rows of result_decision.</summary>
public sealed partial class HubStore : IValidationStore
{
    private const string Undecided = "NOT EXISTS (SELECT 1 FROM result_decision d WHERE d.result_id = r.id)";

    /// <summary>How many earlier results of a test the worklist shows beside a held one.</summary>
    public const int WorklistHistory = 5;

    public async Task<IReadOnlyList<WorklistReferral>> ListWorklistAsync(AccessScope scope, int count = 200, WorklistFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { take = Limit(count) });
        var where = $"r.hold_reasons IS NOT NULL AND {Undecided} AND {IsCurrent}" + LabScope(scope, p) + Filter(filter ?? WorklistFilter.None, p);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var held = (await c.QueryAsync<ResultRow>(Cmd($"SELECT {ResultColumns} FROM lab_result r WHERE {where} ORDER BY r.effective_at, r.id LIMIT @take", p, cancellationToken)).ConfigureAwait(false))
            .Select(r => r.ToDomain()).ToList();
        if (held.Count == 0) return [];
        var patientIds = held.Select(h => h.PatientId).Distinct().ToArray();
        // The patients' earlier results of the same tests, through ix_result_patient.
        var history = (await c.QueryAsync<ResultRow>(Cmd(
                $"SELECT {ResultColumns} FROM lab_result r WHERE {SqlLists.In(database.Dialect, "r.patient_id", "patients")} AND {SqlLists.In(database.Dialect, "r.catalog_code", "codes")} AND r.effective_at <= @latest",
                new { patients = patientIds, codes = held.Select(h => h.CatalogCode).Distinct().ToArray(), latest = Ms(held.Max(h => h.EffectiveAt)) }, cancellationToken)).ConfigureAwait(false))
            .Select(r => r.ToDomain()).ToLookup(r => (r.PatientId, r.CatalogCode));
        var referrals = (await c.QueryAsync<(string Id, string Org, string? Practitioner)>(Cmd(
                $"SELECT id, ordering_org_id, practitioner_name FROM referral WHERE {SqlLists.In(database.Dialect, "id", "ids")}",
                new { ids = held.Select(h => h.ReferralId).Distinct().ToArray() }, cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.Id);
        // All the page's patients in one query (a page of 100 held results used to read them one by one).
        var pp = new DynamicParameters(new { ids = patientIds });
        var patients = (await c.QueryAsync<PatientRow>(Cmd(
                $"SELECT {PatientColumns} FROM patient WHERE {SqlLists.In(database.Dialect, "id", "ids")}{Scope(scope, "id", pp)}", pp, cancellationToken)).ConfigureAwait(false))
            .Select(r => r.ToDomain()).ToDictionary(x => x.Id, StringComparer.Ordinal);
        return held.GroupBy(h => h.ReferralId).Select(g => new WorklistReferral
        {
            ReferralId = g.Key,
            PatientId = g.First().PatientId,
            Patient = patients.GetValueOrDefault(g.First().PatientId),
            OrderingOrganizationId = referrals.TryGetValue(g.Key, out var r) ? r.Org : "",
            PractitionerName = r.Practitioner,
            Results = g.Select(h => Entry(h, history[(h.PatientId, h.CatalogCode)])).ToList(),
        }).ToList();
    }

    /// <summary>The worklist filter as SQL on <c>lab_result r</c>: the hold reason among the listed ones; the text in an id or a name.</summary>
    private static string Filter(WorklistFilter filter, DynamicParameters p)
    {
        var sql = "";
        if (filter.Hold is { } hold)
        {
            // hold_reasons is a list joined by the unit separator (CanonicalText.List); wrapped in it, a reason matches whole.
            p.Add("sep", ListSeparator.ToString());
            p.Add("hold", $"%{ListSeparator}{hold}{ListSeparator}%");
            sql += " AND (@sep || r.hold_reasons || @sep) LIKE @hold";
        }
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = Norm(filter.Text);
            p.Add("text", "%" + LikePrefix(text));
            sql += " AND (LOWER(r.referral_id) LIKE @text ESCAPE '\\' OR LOWER(r.specimen_id) LIKE @text ESCAPE '\\' OR LOWER(r.catalog_code) LIKE @text ESCAPE '\\'" +
                   " OR LOWER(r.instrument_id) LIKE @text ESCAPE '\\'" +
                   " OR EXISTS (SELECT 1 FROM patient pt WHERE pt.id = r.patient_id AND (pt.family_norm LIKE @text ESCAPE '\\' OR pt.given_norm LIKE @text ESCAPE '\\'" +
                   " OR (pt.family_norm || ' ' || pt.given_norm) LIKE @text ESCAPE '\\')))";
        }
        return sql;
    }

    private static WorklistEntry Entry(LabResult held, IEnumerable<LabResult> history)
    {
        var previous = history.Where(x => x.Id != held.Id && (x.EffectiveAt, x.Id).CompareTo((held.EffectiveAt, held.Id)) < 0)
            .OrderByDescending(x => x.EffectiveAt).ThenByDescending(x => x.Id).Take(WorklistHistory).ToList();
        // The same baseline as the delta check at ingest: the latest earlier numeric value not rejected.
        var baseline = previous.FirstOrDefault(x => x.Numeric is not null && x.Validation != ValidationState.Rejected);
        decimal? delta = held.Numeric is { } now && baseline?.Numeric is { } before ? now - before : null;
        return new WorklistEntry
        {
            Result = held,
            Previous = previous,
            Delta = delta,
            DeltaPercent = delta is { } d && baseline!.Numeric is { } b && b != 0 ? Math.Round(d * 100m / Math.Abs(b), 1) : null,
        };
    }

    public async Task<(DecisionOutcome Outcome, LabResult? Result)> DecideAsync(
        AccessScope scope, long resultId, ValidationAction action, string decidedBy, string? reason, CancellationToken cancellationToken = default)
    {
        if (action == ValidationAction.Reject && string.IsNullOrWhiteSpace(reason))
            throw new StoreValidationException("a rejection needs a reason (e.g. 'haemolysed specimen'); give 'reason'");
        var p = new DynamicParameters(new { id = resultId });
        var scoped = LabScope(scope, p);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<ResultRow>(Cmd($"SELECT {ResultColumns} FROM lab_result r WHERE r.id = @id{scoped}", p, cancellationToken, tx)).ConfigureAwait(false);
        if (row is null) return (DecisionOutcome.NotFound, null);
        var result = row.ToDomain();
        if (result.Validation != ValidationState.Held) return (DecisionOutcome.NotHeld, result);
        if (!result.IsCurrent) return (DecisionOutcome.Superseded, result);
        var now = Now;
        // The primary key decides between two doctors deciding at once: the second inserts nothing and is told so.
        var inserted = await c.ExecuteAsync(Cmd(
            "INSERT INTO result_decision(result_id, action, decided_by, organization_id, decided_at, reason) VALUES (@id, @action, @by, @org, @at, @reason) ON CONFLICT DO NOTHING",
            new { id = resultId, action = Enum(action), by = decidedBy, org = scope.OrganizationId ?? "region", at = Ms(now), reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() },
            cancellationToken, tx)).ConfigureAwait(false);
        if (inserted == 0) return (DecisionOutcome.NotHeld, result);
        if (action == ValidationAction.Release)
        {
            // The critical-value webhook waited for this; the sweep finds it due within a second.
            await c.ExecuteAsync(Cmd("UPDATE critical_notification SET held = 0, next_attempt_at = @now WHERE result_id = @id AND held = 1",
                new { id = resultId, now = Ms(now) }, cancellationToken, tx)).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (DecisionOutcome.Decided, result with { Validation = ValidationStates.After(action) });
    }

    public async Task<ValidationDecision?> GetDecisionAsync(long resultId, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<(long Id, string Action, string By, string Org, long At, string? Reason)?>(Cmd(
            "SELECT result_id, action, decided_by, organization_id, decided_at, reason FROM result_decision WHERE result_id = @id", new { id = resultId }, cancellationToken)).ConfigureAwait(false);
        return row is { } d
            ? new ValidationDecision { ResultId = d.Id, Action = Enum<ValidationAction>(d.Action), DecidedBy = d.By, OrganizationId = d.Org, DecidedAt = Time(d.At), Reason = d.Reason }
            : null;
    }

    /// <summary>Validation is the performing lab's: <c>AND r.lab_id = …</c> (nothing for the region).</summary>
    private static string LabScope(AccessScope scope, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        p.Add("scope_org", scope.OrganizationId);
        return " AND r.lab_id = @scope_org";
    }
}
