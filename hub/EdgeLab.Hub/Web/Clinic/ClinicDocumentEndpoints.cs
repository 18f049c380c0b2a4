using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Web.Auth;

namespace EdgeLab.Hub.Web.Clinic;

/// <summary>
/// The clinic's PDF result report for one referral: scoped like the clinic's pages (another clinic's referral = 404,
/// as in the API) and audited as a read of the patient's data. A GET: printing it changes nothing.
/// </summary>
internal static class ClinicDocumentEndpoints
{
    public static void Map(WebApplication app) =>
        app.MapGet("/web/clinic/referrals/{referralId}/report.pdf", ReportAsync).RequireAuthorization(WebRoles.ClinicView);

    private static async Task<IResult> ReportAsync(
        string referralId, HttpContext http, IClinicalStore store, IDirectoryStore directory, ClinicReportWriter writer, WebAudit audit, TimeProvider time)
    {
        var person = WebPerson.From(http.User)!;
        var referral = Fhir.ResourceIds.IsValid(referralId) ? await store.GetReferralAsync(person.Scope, referralId, http.RequestAborted) : null;
        // The clinic's own referrals only (a performing lab's clinic-doctor account has no business here either).
        if (referral is not null && person.Role != WebRole.RegionalAdmin && referral.OrderingOrganizationId != person.OrganizationId) referral = null;
        var patient = referral is null ? null : await store.GetPatientAsync(person.Scope, referral.PatientId, http.RequestAborted);
        if (referral is null || patient is null)
        {
            await audit.ViewAsync(http, person, "ReferralReport", referralId.Length > 64 ? referralId[..64] : referralId, null, StatusCodes.Status404NotFound);
            return Results.NotFound();
        }
        var results = await store.SearchObservationsAsync(person.Scope, new ObservationQuery { ReferralId = referral.Id, Count = HubStore.MaxPageSize }, http.RequestAborted);
        var ordering = await directory.GetOrganizationAsync(referral.OrderingOrganizationId, http.RequestAborted);
        var lab = await directory.GetOrganizationAsync(referral.PerformingLabId, http.RequestAborted);
        var pdf = writer.Write(new ClinicReport(referral, patient, results.Items, ordering?.Name ?? referral.OrderingOrganizationId, lab?.Name ?? referral.PerformingLabId, time.GetUtcNow()));
        await audit.ViewAsync(http, person, "ReferralReport", referral.Id, patient.Id);
        return Results.File(pdf, "application/pdf", $"results-{referral.Id}.pdf");
    }
}
