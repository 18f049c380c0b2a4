using System.Globalization;
using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

internal sealed partial class HubStore
{
    internal const string ResultColumns =
        "id, specimen_id, referral_id, patient_id, lab_id, catalog_code, analyzer_code, value, numeric_value, comparator, unit, ref_low, ref_high, " +
        "ref_text, interpretation, flags, status, effective_at, issued_at, gateway_id, instrument_id, message_id, supersedes_id, is_current, last_updated";

    public async Task<LabResult?> GetObservationAsync(AccessScope scope, long resultId, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { id = resultId });
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<ResultRow>(Cmd($"SELECT {ResultColumns} FROM lab_result WHERE id = @id{Scope(scope, "patient_id", p)}", p, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<Page<LabResult>> SearchObservationsAsync(AccessScope scope, ObservationQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Limit(query.Count);
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1" + Scope(scope, "patient_id", p);
        if (!query.IncludeSuperseded) where += " AND is_current = 1";
        if (query.PatientId is not null) { where += " AND patient_id = @pid"; p.Add("pid", query.PatientId); }
        if (query.ReferralId is not null) { where += " AND referral_id = @rid"; p.Add("rid", query.ReferralId); }
        if (query.SpecimenId is not null) { where += " AND specimen_id = @sid"; p.Add("sid", query.SpecimenId); }
        if (query.Codes.Count > 0)
        {
            var codes = query.Codes.SelectMany(code => new[] { code, catalog.Find(code)?.Code ?? code }).Distinct().ToArray();
            where += $" AND ({SqlLists.In(database.Dialect, "catalog_code", "codes")} OR {SqlLists.In(database.Dialect, "loinc", "codes")})";
            p.Add("codes", codes);
        }
        if (query.Category is { } cat && !string.Equals(cat, "laboratory", StringComparison.OrdinalIgnoreCase)) { where += " AND section = @sec"; p.Add("sec", cat); }
        if (query.EffectiveFrom is { } ef) { where += " AND effective_at >= @ef"; p.Add("ef", Ms(ef)); }
        if (query.EffectiveTo is { } et) { where += " AND effective_at < @et"; p.Add("et", Ms(et)); }
        if (query.LastUpdatedFrom is { } lf) { where += " AND last_updated >= @lf"; p.Add("lf", Ms(lf)); }
        if (query.LastUpdatedTo is { } lt) { where += " AND last_updated < @lt"; p.Add("lt", Ms(lt)); }
        if (query.Cursor is not null)
        {
            if (!TryParseResultCursor(query.Cursor, out var ce, out var ci))
                throw new StoreValidationException("the paging cursor is not valid; use the 'next' link of the previous page as it is");
            where += " AND (effective_at < @ce OR (effective_at = @ce AND id < @ci))";
            p.Add("ce", ce);
            p.Add("ci", ci);
        }
        p.Add("take", limit + 1);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<ResultRow>(Cmd($"SELECT {ResultColumns} FROM lab_result {where} ORDER BY effective_at DESC, id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => string.Create(CultureInfo.InvariantCulture, $"{r.effective_at}.{r.id}"));
    }

    public async Task<IReadOnlyList<DiagnosticReportSummary>> ListReportsAsync(AccessScope scope, ReportQuery query, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1" + Scope(scope, "patient_id", p);
        if (query.PatientId is not null) { where += " AND patient_id = @pid"; p.Add("pid", query.PatientId); }
        if (query.ReferralId is not null) { where += " AND id = @rid"; p.Add("rid", query.ReferralId); }
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var referrals = (await c.QueryAsync<ReferralRow>(Cmd($"SELECT {ReferralColumns} FROM referral {where} ORDER BY id DESC LIMIT {MaxPageSize}", p, cancellationToken)).ConfigureAwait(false))
            .Select(r => r.ToDomain()).ToList();
        if (referrals.Count == 0) return [];
        var results = (await c.QueryAsync<ResultRow>(Cmd(
                $"SELECT {ResultColumns} FROM lab_result WHERE is_current = 1 AND {SqlLists.In(database.Dialect, "referral_id", "ids")}", new { ids = referrals.Select(r => r.Id).ToArray() }, cancellationToken)).ConfigureAwait(false))
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
