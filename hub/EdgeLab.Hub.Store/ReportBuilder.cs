using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>
/// Derives DiagnosticReports from a referral and its current results: one per lab that produced results (a specimen
/// can be sent on to another lab), plus one for the performing lab while it has tests without results.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Referral ids are 32 hex digits, so <c>{referralId}-{labId}</c> splits unambiguously.</summary>
    public static string Id(string referralId, string labId) => referralId + "-" + labId;

    public static bool TrySplitId(string reportId, out string referralId, out string labId)
    {
        referralId = labId = "";
        if (reportId.Length < 34 || reportId[32] != '-') return false;
        referralId = reportId[..32];
        labId = reportId[33..];
        return true;
    }

    public static IEnumerable<DiagnosticReportSummary> Build(Referral referral, IReadOnlyList<LabResult> currentResults)
    {
        var byLab = currentResults.GroupBy(r => r.PerformingLabId).ToDictionary(g => g.Key, g => g.ToList());
        var producedElsewhere = currentResults.Where(r => r.PerformingLabId != referral.PerformingLabId).Select(r => r.CatalogCode).ToHashSet();
        if (!byLab.ContainsKey(referral.PerformingLabId) && referral.TestCodes.Any(t => !producedElsewhere.Contains(t)))
            byLab[referral.PerformingLabId] = [];
        foreach (var (lab, results) in byLab)
        {
            var expected = lab == referral.PerformingLabId
                ? referral.TestCodes.Where(t => !producedElsewhere.Contains(t)).Union(results.Select(r => r.CatalogCode)).ToList()
                : results.Select(r => r.CatalogCode).Distinct().ToList();
            // Only validated results count (issue 13): a held one leaves the report partial until a lab doctor decides.
            var done = results.Where(r => r.Validation == ValidationState.Rejected
                    || (r.Validation.IsReleased() && r.Status is ResultStatus.Final or ResultStatus.Corrected or ResultStatus.Cancelled))
                .Select(r => r.CatalogCode).ToHashSet();
            ReportStatus status;
            if (referral.Status == ReferralStatus.Cancelled && results.Count == 0) status = ReportStatus.Cancelled;
            else if (results.Count == 0) status = ReportStatus.Registered;
            else if (expected.All(done.Contains)) status = results.Any(r => r.Status == ResultStatus.Corrected) ? ReportStatus.Amended : ReportStatus.Final;
            else status = ReportStatus.Partial;
            yield return new DiagnosticReportSummary
            {
                Id = Id(referral.Id, lab),
                ReferralId = referral.Id,
                PatientId = referral.PatientId,
                OrderingOrganizationId = referral.OrderingOrganizationId,
                PerformingLabId = lab,
                Status = status,
                Issued = results.Count == 0 ? referral.Created : results.Max(r => r.IssuedAt),
                EffectiveAt = results.Count == 0 ? null : results.Max(r => r.EffectiveAt),
                ResultIds = results.OrderBy(r => r.Id).Select(r => r.Id).ToList(),
                TestCodes = expected,
            };
        }
    }
}
