using System.Globalization;
using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    /// <summary>
    /// lab_result is read as <c>r</c>. Whether a row is current is not stored on it (history is insert-only) but in
    /// <c>result_current</c>, one pointer per (specimen, test): a primary-key probe per row.
    /// </summary>
    internal const string ResultColumns =
        "r.id, r.specimen_id, r.referral_id, r.patient_id, r.lab_id, r.catalog_code, r.analyzer_code, r.value, r.numeric_value, r.comparator, r.unit, " +
        "r.ref_low, r.ref_high, r.ref_text, r.interpretation, r.flags, r.status, r.effective_at, r.issued_at, r.gateway_id, r.instrument_id, " +
        "r.message_id, r.supersedes_id, CAST(CASE WHEN " + IsCurrent + " THEN 1 ELSE 0 END AS BIGINT) AS is_current, r.last_updated, r.review, r.hold_reasons, " +
        "(SELECT d.action FROM result_decision d WHERE d.result_id = r.id) AS decision";

    private const string IsCurrent =
        "EXISTS (SELECT 1 FROM result_current rc WHERE rc.specimen_id = r.specimen_id AND rc.catalog_code = r.catalog_code AND rc.result_id = r.id)";

    public async Task<LabResult?> GetObservationAsync(AccessScope scope, long resultId, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { id = resultId });
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<ResultRow>(Cmd($"SELECT {ResultColumns} FROM lab_result r WHERE r.id = @id{ResultScope(scope, p)}", p, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<Page<LabResult>> SearchObservationsAsync(AccessScope scope, ObservationQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Limit(query.Count);
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1" + ResultScope(scope, p);
        if (!query.IncludeSuperseded) where += " AND " + IsCurrent;
        if (query.PatientId is not null) { where += " AND r.patient_id = @pid"; p.Add("pid", query.PatientId); }
        // lab_result has no index on referral or specimen (ingest speed): current results are found through
        // result_current, history through the patient index (a specimen and a referral belong to one patient).
        if (query.ReferralId is not null)
        {
            where += query.IncludeSuperseded
                ? " AND r.patient_id = (SELECT patient_id FROM referral WHERE id = @rid) AND r.referral_id = @rid"
                : " AND r.id IN (SELECT cr.result_id FROM result_current cr JOIN specimen s ON s.id = cr.specimen_id WHERE s.referral_id = @rid)";
            p.Add("rid", query.ReferralId);
        }
        if (query.SpecimenId is not null)
        {
            where += query.IncludeSuperseded
                ? " AND r.patient_id = (SELECT patient_id FROM specimen WHERE id = @sid) AND r.specimen_id = @sid"
                : " AND r.id IN (SELECT result_id FROM result_current WHERE specimen_id = @sid)";
            p.Add("sid", query.SpecimenId);
        }
        if (query.Codes.Count > 0)
        {
            var codes = query.Codes.SelectMany(code => new[] { code, catalog.Find(code)?.Code ?? code }).Distinct().ToArray();
            where += $" AND ({SqlLists.In(database.Dialect, "r.catalog_code", "codes")} OR {SqlLists.In(database.Dialect, "r.loinc", "codes")})";
            p.Add("codes", codes);
        }
        if (query.Category is { } cat && !string.Equals(cat, "laboratory", StringComparison.OrdinalIgnoreCase)) { where += " AND r.section = @sec"; p.Add("sec", cat); }
        if (query.EffectiveFrom is { } ef) { where += " AND r.effective_at >= @ef"; p.Add("ef", Ms(ef)); }
        if (query.EffectiveTo is { } et) { where += " AND r.effective_at < @et"; p.Add("et", Ms(et)); }
        if (query.LastUpdatedFrom is { } lf) { where += " AND r.last_updated >= @lf"; p.Add("lf", Ms(lf)); }
        if (query.LastUpdatedTo is { } lt) { where += " AND r.last_updated < @lt"; p.Add("lt", Ms(lt)); }
        if (query.Cursor is not null)
        {
            if (!TryParseResultCursor(query.Cursor, out var ce, out var ci))
                throw new StoreValidationException("the paging cursor is not valid; use the 'next' link of the previous page as it is");
            where += " AND (r.effective_at < @ce OR (r.effective_at = @ce AND r.id < @ci))";
            p.Add("ce", ce);
            p.Add("ci", ci);
        }
        p.Add("take", limit + 1);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<ResultRow>(Cmd($"SELECT {ResultColumns} FROM lab_result r {where} ORDER BY r.effective_at DESC, r.id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => string.Create(CultureInfo.InvariantCulture, $"{r.effective_at}.{r.id}"));
    }

    public async Task<IReadOnlyList<DiagnosticReportSummary>> ListReportsAsync(AccessScope scope, ReportQuery query, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1" + ReferralScope(scope, "referral.id", p);
        if (query.PatientId is not null) { where += " AND patient_id = @pid"; p.Add("pid", query.PatientId); }
        if (query.ReferralId is not null) { where += " AND id = @rid"; p.Add("rid", query.ReferralId); }
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var referrals = (await c.QueryAsync<ReferralRow>(Cmd($"SELECT {ReferralColumns} FROM referral {where} ORDER BY id DESC LIMIT {MaxPageSize}", p, cancellationToken)).ConfigureAwait(false))
            .Select(r => r.ToDomain()).ToList();
        if (referrals.Count == 0) return [];
        var results = (await c.QueryAsync<ResultRow>(Cmd(
                $"SELECT {ResultColumns} FROM lab_result r WHERE r.id IN (SELECT cr.result_id FROM result_current cr JOIN specimen s ON s.id = cr.specimen_id WHERE {SqlLists.In(database.Dialect, "s.referral_id", "ids")})", new { ids = referrals.Select(r => r.Id).ToArray() }, cancellationToken)).ConfigureAwait(false))
            .Select(r => r.ToDomain()).ToLookup(r => r.ReferralId);
        var reports = referrals.SelectMany(r => ReportBuilder.Build(r, results[r.Id].ToList()));
        if (query.Status is { } st) reports = reports.Where(r => r.Status == st);
        return reports.ToList();
    }

    public async Task<DiagnosticReportSummary?> GetReportAsync(AccessScope scope, string reportId, CancellationToken cancellationToken = default)
    {
        if (!ReportBuilder.TrySplitId(reportId, out var referralId, out var labId)) return null;
        var reports = await ListReportsAsync(scope, new ReportQuery { ReferralId = referralId }, cancellationToken).ConfigureAwait(false);
        return reports.FirstOrDefault(r => r.PerformingLabId == labId);
    }

    private static bool TryParseResultCursor(string cursor, out long effectiveAt, out long id)
    {
        effectiveAt = id = 0;
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        return dot > 0
            && long.TryParse(cursor.AsSpan(0, dot), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out effectiveAt)
            && long.TryParse(cursor.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }
}
