using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Fhir.Semd;

/// <summary>Everything one СЭМД is made from: a DiagnosticReport with its patient, current results, tubes and the labs involved.</summary>
internal sealed record SemdSource
{
    public required DiagnosticReportSummary Report { get; init; }
    public required Patient Patient { get; init; }
    /// <summary>The report's current results, in the report's order.</summary>
    public required IReadOnlyList<LabResult> Results { get; init; }
    /// <summary>The tubes those results were measured in.</summary>
    public required IReadOnlyList<Specimen> Specimens { get; init; }
    /// <summary>The performing lab and every lab that measured a result; a lab unknown to the directory is absent (named by its id).</summary>
    public required IReadOnlyDictionary<string, Organization> Organizations { get; init; }

    /// <summary>
    /// Reads the report through the caller's <paramref name="scope"/>: null when the report is not visible to it (404,
    /// exactly like a read). Results and tubes are read through the same scope, so nothing outside it enters the document.
    /// </summary>
    public static async Task<SemdSource?> ReadAsync(
        IClinicalStore store, IDirectoryStore directory, AccessScope scope, string reportId, CancellationToken cancellationToken)
    {
        if (!ResourceIds.IsValid(reportId)) return null;
        var report = await store.GetReportAsync(scope, reportId, cancellationToken).ConfigureAwait(false);
        if (report is null) return null;
        var patient = await store.GetPatientAsync(scope, report.PatientId, cancellationToken).ConfigureAwait(false);
        if (patient is null) return null;

        var results = new List<LabResult>(report.ResultIds.Count);
        foreach (var id in report.ResultIds)
        {
            if (await store.GetObservationAsync(scope, id, cancellationToken).ConfigureAwait(false) is { } result)
                results.Add(result);
        }
        var specimens = new List<Specimen>();
        foreach (var specimenId in results.Select(r => r.SpecimenId).Distinct(StringComparer.Ordinal))
        {
            if (await store.GetSpecimenAsync(scope, specimenId, cancellationToken).ConfigureAwait(false) is { } specimen)
                specimens.Add(specimen);
        }
        var organizations = new Dictionary<string, Organization>(StringComparer.Ordinal);
        foreach (var labId in results.Select(r => r.PerformingLabId).Prepend(report.PerformingLabId).Distinct(StringComparer.Ordinal))
        {
            if (await directory.GetOrganizationAsync(labId, cancellationToken).ConfigureAwait(false) is { } organization)
                organizations[labId] = organization;
        }
        return new SemdSource { Report = report, Patient = patient, Results = results, Specimens = specimens, Organizations = organizations };
    }
}
