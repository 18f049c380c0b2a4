using System.Globalization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// The read interaction (R4 §3.1.0.2 <c>GET [base]/[type]/[id]</c>) for the five clinical resource types.
/// A resource outside the client's organization is 404, exactly like one that does not exist (no existence leak).
/// Every read, found or not, is audited — a 404 with the patient the id belongs to region-wide, when it exists
/// (<see cref="AuditSubject"/>).
/// </summary>
internal static class FhirReadEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/Patient/{id}", ReadPatient);
        fhir.MapGet("/ServiceRequest/{id}", ReadServiceRequest);
        fhir.MapGet("/Specimen/{id}", ReadSpecimen);
        fhir.MapGet("/Observation/{id}", ReadObservation);
        fhir.MapGet("/DiagnosticReport/{id}", ReadDiagnosticReport);
    }

    private static async Task<IResult> ReadPatient(string id, HttpContext http, IClinicalStore store, AuditTrail audit)
    {
        var caller = Authorize(http, "Patient");
        var patient = ResourceIds.IsValid(id) ? await store.GetPatientAsync(caller.Scope, id, http.RequestAborted) : null;
        return await Answer(http, caller, audit, "Patient", id, patient?.Id,
            patient is null ? null : PatientMapper.ToFhir(patient));
    }

    private static async Task<IResult> ReadServiceRequest(string id, HttpContext http, IClinicalStore store, ITestCatalog catalog, AuditTrail audit)
    {
        var caller = Authorize(http, "ServiceRequest");
        Resources.ServiceRequest? resource = null;
        string? patientId = null;
        if (ResourceIds.IsValid(id) && ResourceIds.TryParseServiceRequest(id, out var referralId, out var code)
            && await store.GetReferralAsync(caller.Scope, referralId, http.RequestAborted) is { } referral
            && referral.TestCodes.FirstOrDefault(c => string.Equals(c, code, StringComparison.OrdinalIgnoreCase)) is { } testCode)
        {
            var specimens = await store.SearchSpecimensAsync(caller.Scope, new SpecimenQuery { ReferralId = referral.Id, Count = 100 }, http.RequestAborted);
            resource = ServiceRequestMapper.ToFhir(referral, testCode, specimens.Items, catalog);
            patientId = referral.PatientId;
        }
        return await Answer(http, caller, audit, "ServiceRequest", id, patientId, resource);
    }

    private static async Task<IResult> ReadSpecimen(string id, HttpContext http, IClinicalStore store, TransferStore transfers, AuditTrail audit)
    {
        var caller = Authorize(http, "Specimen");
        var specimen = ResourceIds.IsValid(id) ? await store.GetSpecimenAsync(caller.Scope, id, http.RequestAborted) : null;
        // The lab a tube was sent out to reads it (and an aliquot's parent link) like the filler of the IG's reference-lab flow.
        if (specimen is null && ResourceIds.IsValid(id) && await transfers.Reader.IsSentToAsync(caller.Scope, id, http.RequestAborted))
            specimen = await store.GetSpecimenAsync(AccessScope.Region, id, http.RequestAborted);
        return await Answer(http, caller, audit, "Specimen", id, specimen?.PatientId,
            specimen is null ? null : SpecimenMapper.ToFhir(specimen));
    }

    private static async Task<IResult> ReadObservation(string id, HttpContext http, IClinicalStore store, ITestCatalog catalog, AuditTrail audit)
    {
        var caller = Authorize(http, "Observation");
        var result = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var resultId)
            ? await store.GetObservationAsync(caller.Scope, resultId, http.RequestAborted)
            : null;
        return await Answer(http, caller, audit, "Observation", id, result?.PatientId,
            result is null ? null : ObservationMapper.ToFhir(result, catalog));
    }

    private static async Task<IResult> ReadDiagnosticReport(string id, HttpContext http, IClinicalStore store, ITestCatalog catalog, AuditTrail audit)
    {
        var caller = Authorize(http, "DiagnosticReport");
        var report = ResourceIds.IsValid(id) ? await store.GetReportAsync(caller.Scope, id, http.RequestAborted) : null;
        return await Answer(http, caller, audit, "DiagnosticReport", id, report?.PatientId,
            report is null ? null : DiagnosticReportMapper.ToFhir(report, catalog));
    }

    private static ApiCaller Authorize(HttpContext http, string resourceType)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, resourceType, "read");
        return caller;
    }

    private static async Task<IResult> Answer(
        HttpContext http, ApiCaller caller, AuditTrail audit, string type, string id, string? patientId, Resources.Resource? resource)
    {
        var status = resource is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
        if (resource is null)
            patientId = await AuditSubject.PatientOfAsync(http.RequestServices.GetRequiredService<IClinicalStore>(), type, id, http.RequestAborted);
        await audit.RecordAsync(http, caller, "read", type, id.Length > 64 ? id[..64] : id, patientId, status);
        return resource is null ? FhirResult.NotFound(type, id.Length > 64 ? id[..64] + "…" : id) : new FhirResult(resource);
    }
}
