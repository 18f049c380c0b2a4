using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Fhir.Semd;

/// <summary>What asking for a report's СЭМД gives: not found, refused (not final, with the reason) or the document.</summary>
internal abstract record SemdExportResult
{
    /// <summary>Unknown, or outside the caller's scope (answered like unknown).</summary>
    public sealed record NotFound : SemdExportResult;

    /// <summary>The report is not final; <see cref="Reason"/> says why, naming the tests still without a final result.</summary>
    public sealed record NotFinal(string PatientId, ReportStatus Status, IReadOnlyList<string> PendingTests, string Reason) : SemdExportResult;

    public sealed record Made(string PatientId, SemdDocument Document) : SemdExportResult;
}

/// <summary>
/// The СЭМД export (issue 15 §3) shared by <c>GET /fhir/DiagnosticReport/{id}/$semd</c> and <c>edgelab-hub semd export</c>:
/// read the report through the caller's scope, refuse a report that is not final (a protocol is issued for finished
/// work only; an amended report is final with corrections and is issued with Composition.status <c>amended</c>), build
/// the document and check it.
/// </summary>
internal static class SemdExport
{
    public static async Task<SemdExportResult> ExportAsync(
        IClinicalStore store, IDirectoryStore directory, ITestCatalog catalog, AccessScope scope, string reportId,
        DateTimeOffset now, string fhirBase, CancellationToken cancellationToken)
    {
        var source = await SemdSource.ReadAsync(store, directory, scope, reportId, cancellationToken).ConfigureAwait(false);
        if (source is null) return new SemdExportResult.NotFound();
        var report = source.Report;
        if (report.Status is not (ReportStatus.Final or ReportStatus.Amended))
        {
            var done = source.Results
                .Where(r => ObservationMapper.Status(r) is "final" or "corrected")
                .Select(r => r.CatalogCode)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            var pending = report.TestCodes.Where(code => !done.Contains(code)).ToList();
            var reason = $"DiagnosticReport/{report.Id} is {DiagnosticReportMapper.Status(report.Status)}: a СЭМД «{SemdCodes.DocumentTitle}» is made only for a final report"
                + (pending.Count > 0 ? $"; tests without a final result: {string.Join(", ", pending)}." : ".");
            return new SemdExportResult.NotFinal(report.PatientId, report.Status, pending, reason);
        }
        return new SemdExportResult.Made(report.PatientId, SemdDocumentBuilder.Build(source, catalog, now, fhirBase));
    }
}
