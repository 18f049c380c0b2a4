using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>
/// Clinical reads for the API layer (FHIR and plain JSON). Every read takes an <see cref="AccessScope"/>: a resource
/// outside the scope is reported as not found (null / absent), never as forbidden, so ids do not leak.
/// </summary>
public interface IClinicalStore
{
    Task<Patient?> GetPatientAsync(AccessScope scope, string patientId, CancellationToken cancellationToken = default);

    Task<Page<Patient>> SearchPatientsAsync(AccessScope scope, PatientQuery query, CancellationToken cancellationToken = default);

    Task<Referral?> GetReferralAsync(AccessScope scope, string referralId, CancellationToken cancellationToken = default);

    Task<Page<Referral>> SearchReferralsAsync(AccessScope scope, ReferralQuery query, CancellationToken cancellationToken = default);

    Task<Specimen?> GetSpecimenAsync(AccessScope scope, string specimenId, CancellationToken cancellationToken = default);

    /// <summary>Same as <see cref="GetSpecimenAsync"/>: the specimen id is the barcode.</summary>
    Task<Specimen?> FindSpecimenByBarcodeAsync(AccessScope scope, string barcode, CancellationToken cancellationToken = default);

    Task<Page<Specimen>> SearchSpecimensAsync(AccessScope scope, SpecimenQuery query, CancellationToken cancellationToken = default);

    Task<LabResult?> GetObservationAsync(AccessScope scope, long resultId, CancellationToken cancellationToken = default);

    Task<Page<LabResult>> SearchObservationsAsync(AccessScope scope, ObservationQuery query, CancellationToken cancellationToken = default);

    /// <summary>DiagnosticReports: one per referral per lab that produced results (or the performing lab while none).</summary>
    Task<IReadOnlyList<DiagnosticReportSummary>> ListReportsAsync(AccessScope scope, ReportQuery query, CancellationToken cancellationToken = default);

    /// <summary>A report by its id <c>{referralId}-{labId}</c>.</summary>
    Task<DiagnosticReportSummary?> GetReportAsync(AccessScope scope, string reportId, CancellationToken cancellationToken = default);

    /// <summary>Held results; a lab organization sees those from its own gateways, the region sees all.</summary>
    Task<Page<UnmatchedResult>> ListUnmatchedAsync(AccessScope scope, UnmatchedQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Links held results onto a specimen the resolving organization performs (the region: any); returns the new result
    /// ids and the siblings left held with their reasons. Throws <see cref="StoreValidationException"/> with the cause when
    /// the item itself cannot be resolved — the same one for an unknown barcode and another organization's.
    /// </summary>
    Task<UnmatchedResolutionOutcome> ResolveUnmatchedAsync(AccessScope scope, UnmatchedResolution resolution, CancellationToken cancellationToken = default);

    Task<Page<QuarantinedPayload>> ListQuarantineAsync(int count = 100, string? cursor = null, CancellationToken cancellationToken = default);
}
