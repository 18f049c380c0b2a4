using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Labels;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;

namespace EdgeLab.Hub.Web.Documents;

/// <summary>
/// Files the pages offer to people with a session cookie: tube labels (the same PDF and ZPL writers as
/// <c>/api/specimens/{barcode}/label.*</c>) and the referral slip. Each is scoped to the person's organization (out of
/// scope = 404, as in the API) and audited as a read of the patient's data.
/// </summary>
internal static class WebDocumentEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/web/specimens/{barcode}/label.pdf", LabelPdfAsync).RequireAuthorization(WebRoles.ReferralEntry);
        app.MapGet("/web/specimens/{barcode}/label.zpl", LabelZplAsync).RequireAuthorization(WebRoles.ReferralEntry);
        // A POST: printing issues a new cabinet access code (and voids the previous one), so it is not a safe GET.
        app.MapPost("/web/referrals/{referralId}/slip.pdf", SlipAsync).RequireAuthorization(WebRoles.ReferralEntry).DisableAntiforgery();
    }

    private static async Task<IResult> LabelPdfAsync(string barcode, HttpContext http, IClinicalStore store, ITestCatalog catalog, WebAudit audit, PdfLabelWriter writer)
    {
        var label = await LoadLabelAsync(barcode, http, store, catalog, audit, "label.pdf");
        return label is null ? Results.NotFound() : Results.File(writer.Write([label]), "application/pdf", $"label-{label.Barcode}.pdf");
    }

    private static async Task<IResult> LabelZplAsync(string barcode, HttpContext http, IClinicalStore store, ITestCatalog catalog, WebAudit audit)
    {
        var label = await LoadLabelAsync(barcode, http, store, catalog, audit, "label.zpl");
        return label is null ? Results.NotFound() : Results.File(System.Text.Encoding.UTF8.GetBytes(ZplLabelWriter.Write(label)), "text/plain; charset=utf-8", $"label-{label.Barcode}.zpl");
    }

    private static async Task<TubeLabel?> LoadLabelAsync(string barcode, HttpContext http, IClinicalStore store, ITestCatalog catalog, WebAudit audit, string what)
    {
        var person = WebPerson.From(http.User)!;
        if (barcode.Length > 64 || !barcode.All(char.IsAsciiLetterOrDigit)) return null;
        var specimen = await store.FindSpecimenByBarcodeAsync(person.Scope, barcode, http.RequestAborted);
        var patient = specimen is null ? null : await store.GetPatientAsync(person.Scope, specimen.PatientId, http.RequestAborted);
        var referral = specimen is null ? null : await store.GetReferralAsync(person.Scope, specimen.ReferralId, http.RequestAborted);
        var found = specimen is not null && patient is not null && referral is not null;
        await audit.ViewAsync(http, person, "Label", $"{barcode}/{what}", patient?.Id, found ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
        return found ? TubeLabel.From(specimen!, patient!, referral!, catalog) : null;
    }

    private static async Task<IResult> SlipAsync(
        string referralId, HttpContext http, IAntiforgery antiforgery, IClinicalStore store, IDirectoryStore directory,
        IReferralAccessCodeStore codes, ReferralSlipWriter writer, WebAudit audit, TimeProvider time)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page and try again.");
        var person = WebPerson.From(http.User)!;
        if (!Fhir.ResourceIds.IsValid(referralId)) return Results.NotFound();
        var referral = await store.GetReferralAsync(person.Scope, referralId, http.RequestAborted);
        var patient = referral is null ? null : await store.GetPatientAsync(person.Scope, referral.PatientId, http.RequestAborted);
        if (referral is null || patient is null)
        {
            await audit.ViewAsync(http, person, "ReferralSlip", referralId, null, StatusCodes.Status404NotFound);
            return Results.NotFound();
        }
        var specimens = await store.SearchSpecimensAsync(person.Scope, new SpecimenQuery { ReferralId = referral.Id, Count = 50 }, http.RequestAborted);
        var code = CabinetAccessCode.Generate();
        await codes.SetReferralAccessCodeAsync(referral.Id, CabinetAccessCode.Hash(code), time.GetUtcNow() + CabinetAccessCode.Lifetime, person.AuditId, http.RequestAborted);
        var ordering = await directory.GetOrganizationAsync(referral.OrderingOrganizationId, http.RequestAborted);
        var lab = await directory.GetOrganizationAsync(referral.PerformingLabId, http.RequestAborted);
        var cabinet = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/cabinet";
        var pdf = writer.Write(new ReferralSlip(referral, patient, specimens.Items, ordering?.Name ?? referral.OrderingOrganizationId, lab?.Name ?? referral.PerformingLabId, code, cabinet));
        await audit.ActAsync(http, person, "print", "ReferralSlip", referral.Id, patient.Id, StatusCodes.Status200OK);
        return Results.File(pdf, "application/pdf", $"referral-{referral.Id}.pdf");
    }
}
