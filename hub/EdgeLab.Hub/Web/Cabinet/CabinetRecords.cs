using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>One report as the patient sees it: the lab's name and only the results the patient may see.</summary>
/// <remarks>Public only because Razor components (always public) take it as a parameter.</remarks>
public sealed record CabinetReport(DiagnosticReportSummary Summary, string LabName, IReadOnlyList<LabResult> Results, int WithheldCount);

/// <summary>One point of a trend: a released value of one test at the time it was measured.</summary>
/// <remarks>Public only because Razor components (always public) take it as a parameter.</remarks>
public sealed record TrendPoint(DateTimeOffset At, decimal Value, decimal? Low, decimal? High, string? Interpretation);

/// <summary>
/// What a patient may read in the cabinet (issue 14), in one place so every page applies the same rules:
/// <list type="bullet">
/// <item>only the session's referral (a slip's code opens one referral; another report id answers null → 404), or, for a
/// session proved by e-mail, all of the session patient's referrals;</item>
/// <item>only results the lab released (autoverification or a lab doctor; held, rerun and rejected ones are not shown,
/// nor cancelled ones), as the EMR sees them final (FHIR Observation.status, issue 13);</item>
/// <item>a test marked <c>sensitive</c> in the catalog only after a clinician released it to the patient
/// (<see cref="ICabinetStore.ReleaseToPatientAsync"/>); until then the report says that some results are withheld.</item>
/// </list>
/// Reads use <see cref="AccessScope.Region"/> and filter by the session's patient and referral here.
/// </summary>
internal sealed class CabinetRecords(IClinicalStore clinical, IDirectoryStore directory, ICabinetStore cabinet, ITestCatalog catalog)
{
    public static bool IsReleasedByLab(LabResult r) =>
        r.Validation is ValidationState.AutoReleased or ValidationState.Released && r.Status != ResultStatus.Cancelled;

    /// <summary>The session referral's reports, newest first.</summary>
    public async Task<IReadOnlyList<CabinetReport>> ReportsAsync(CabinetPatient patient, CancellationToken cancellationToken)
    {
        var query = patient.AllReferrals ? new ReportQuery { PatientId = patient.PatientId } : new ReportQuery { ReferralId = patient.ReferralId };
        var summaries = await clinical.ListReportsAsync(AccessScope.Region, query, cancellationToken).ConfigureAwait(false);
        var mine = summaries.Where(s => s.PatientId == patient.PatientId && (patient.AllReferrals || s.ReferralId == patient.ReferralId) && s.Status != ReportStatus.Cancelled).ToList();
        if (mine.Count == 0) return [];
        var results = await ResultsAsync(patient, cancellationToken).ConfigureAwait(false);
        var released = await ReleasedAsync(mine.Select(s => s.ReferralId), cancellationToken).ConfigureAwait(false);
        var reports = new List<CabinetReport>(mine.Count);
        foreach (var summary in mine.OrderByDescending(s => s.Issued).ThenBy(s => s.Id, StringComparer.Ordinal))
        {
            var ids = summary.ResultIds.ToHashSet();
            var inReport = results.Where(r => ids.Contains(r.Id) && IsReleasedByLab(r)).ToList();
            var visible = inReport.Where(r => MayShow(r, released)).OrderBy(r => Order(r.CatalogCode)).ToList();
            var lab = await directory.GetOrganizationAsync(summary.PerformingLabId, cancellationToken).ConfigureAwait(false);
            reports.Add(new CabinetReport(summary, lab?.Name ?? summary.PerformingLabId, visible, inReport.Count - visible.Count));
        }
        return reports;
    }

    /// <summary>One report of the session's referral, or null for anything else (another patient's id, a made-up id).</summary>
    public async Task<CabinetReport?> ReportAsync(CabinetPatient patient, string reportId, CancellationToken cancellationToken) =>
        (await ReportsAsync(patient, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Summary.Id == reportId);

    /// <summary>
    /// The patient's released numeric values of one test (earlier referrals too: the same person's history), oldest first, with their ranges, including
    /// the results they superseded (a correction shows as a second point), for the trend chart.
    /// </summary>
    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(CabinetPatient patient, string testCode, CancellationToken cancellationToken)
    {
        var test = catalog.Find(testCode);
        if (test is null) return [];
        var page = await clinical.SearchObservationsAsync(AccessScope.Region, new ObservationQuery
        {
            PatientId = patient.PatientId,
            Codes = [test.Code],
            IncludeSuperseded = true,
            Count = HubStore.MaxPageSize,
        }, cancellationToken).ConfigureAwait(false);
        // A slip session opens the sensitive tests released on its own referral only; an e-mail session those of every referral.
        var released = await ReleasedAsync(patient.AllReferrals ? page.Items.Select(r => r.ReferralId) : [patient.ReferralId!], cancellationToken).ConfigureAwait(false);
        return page.Items
            .Where(r => r.PatientId == patient.PatientId && r.CatalogCode == test.Code && IsReleasedByLab(r) && MayShow(r, released) && r.Numeric is not null)
            .OrderBy(r => r.EffectiveAt).ThenBy(r => r.Id)
            .Select(r => new TrendPoint(r.EffectiveAt, r.Numeric!.Value, r.ReferenceLow, r.ReferenceHigh, r.Interpretation))
            .ToList();
    }

    public TestDefinition? Test(string code) => catalog.Find(code);

    /// <summary>A sensitive test's releases are per referral: one released on a referral opens only that referral's result.</summary>
    private bool MayShow(LabResult r, IReadOnlyDictionary<string, IReadOnlySet<string>> releasedToPatient) =>
        catalog.Find(r.CatalogCode) is not { Sensitive: true }
        || (releasedToPatient.TryGetValue(r.ReferralId, out var released) && released.Contains(r.CatalogCode));

    private async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ReleasedAsync(IEnumerable<string> referralIds, CancellationToken cancellationToken)
    {
        var released = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var id in referralIds.Distinct(StringComparer.Ordinal))
            released[id] = await cabinet.ReleasedToPatientAsync(id, cancellationToken).ConfigureAwait(false);
        return released;
    }

    private int Order(string code)
    {
        for (var i = 0; i < catalog.Tests.Count; i++)
        {
            if (catalog.Tests[i].Code == code) return i;
        }
        return int.MaxValue;
    }

    private async Task<IReadOnlyList<LabResult>> ResultsAsync(CabinetPatient patient, CancellationToken cancellationToken)
    {
        var query = patient.AllReferrals
            ? new ObservationQuery { PatientId = patient.PatientId, Count = HubStore.MaxPageSize }
            : new ObservationQuery { ReferralId = patient.ReferralId, Count = HubStore.MaxPageSize };
        var page = await clinical.SearchObservationsAsync(AccessScope.Region, query, cancellationToken).ConfigureAwait(false);
        return page.Items.Where(r => r.PatientId == patient.PatientId).ToList();
    }
}
