using System.Data.Common;
using Dapper;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Linking;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>
/// Seeds <see cref="BatchPlan.History"/> for the autoverification delta check: the numeric results of the batch's
/// patients and tests measured within the longest delta window before the batch's earliest result. One query per
/// batch on <c>ix_result_patient (patient_id, effective_at)</c>; rejected results are no baseline.
/// </summary>
public static class PatientHistory
{
    /// <summary>The longest delta window of any catalog test (how far back a batch looks).</summary>
    public static TimeSpan LongestWindow(ITestCatalog catalog) =>
        catalog.Tests.Select(t => t.Autoverification?.Delta?.Window ?? TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Max();

    public static async Task LoadAsync(
        DbConnection c, DbTransaction tx, DatabaseDialect dialect, IReadOnlyCollection<string> patientIds, IReadOnlyCollection<string> catalogCodes,
        DateTimeOffset from, BatchPlan plan, CancellationToken ct)
    {
        if (patientIds.Count == 0 || catalogCodes.Count == 0) return;
        var rows = await c.QueryAsync<(long Id, string PatientId, string Code, double Numeric, long EffectiveAt)>(new CommandDefinition(
            "SELECT r.id, r.patient_id, r.catalog_code, r.numeric_value, r.effective_at FROM lab_result r " +
            $"WHERE {SqlLists.In(dialect, "r.patient_id", "patients")} AND r.effective_at >= @from AND r.numeric_value IS NOT NULL " +
            $"AND {SqlLists.In(dialect, "r.catalog_code", "codes")} " +
            "AND NOT EXISTS (SELECT 1 FROM result_decision d WHERE d.result_id = r.id AND d.action = 'reject')",
            new { patients = patientIds.ToArray(), codes = catalogCodes.ToArray(), from = Ms(from) }, tx, cancellationToken: ct)).ConfigureAwait(false);
        foreach (var r in rows)
        {
            var key = (r.PatientId, r.Code);
            (plan.History.TryGetValue(key, out var list) ? list : plan.History[key] = []).Add(new PreviousResult(r.Id, (decimal)r.Numeric, Time(r.EffectiveAt)));
        }
    }
}
