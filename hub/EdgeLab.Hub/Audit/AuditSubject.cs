using System.Globalization;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Audit;

/// <summary>
/// Whose data a call was about when the caller did not get it (404 outside its organization, 403 without the scope):
/// looked up region-wide for the audit entry only — never returned to the caller, and the organization's own view of
/// its trail leaves it out of refusals (<c>Api/AuditEndpoints</c>). Only the regional security officer sees it,
/// which is what lets them spot a clinic probing other organizations' patients.
/// </summary>
internal static class AuditSubject
{
    public static async Task<string?> PatientOfAsync(IClinicalStore store, string resourceType, string? id, CancellationToken ct)
    {
        if (id is null || !ResourceIds.IsValid(id)) return null;
        var region = AccessScope.Region;
        return resourceType switch
        {
            "Patient" => (await store.GetPatientAsync(region, id, ct).ConfigureAwait(false))?.Id,
            "Specimen" => (await store.GetSpecimenAsync(region, id, ct).ConfigureAwait(false))?.PatientId,
            "ServiceRequest" => ResourceIds.TryParseServiceRequest(id, out var referralId, out _)
                ? (await store.GetReferralAsync(region, referralId, ct).ConfigureAwait(false))?.PatientId
                : null,
            "Observation" => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var resultId)
                ? (await store.GetObservationAsync(region, resultId, ct).ConfigureAwait(false))?.PatientId
                : null,
            "DiagnosticReport" => (await store.GetReportAsync(region, id, ct).ConfigureAwait(false))?.PatientId,
            _ => null,
        };
    }
}
