using System.Globalization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Labels;

/// <summary>
/// <c>GET /api/specimens/{barcode}/label.zpl</c> (text/plain, ZPL II) and <c>…/label.pdf</c> (application/pdf):
/// the tube label of a specimen the client's organization may see (404 otherwise). <c>?copies=N</c> (1–20).
/// A label shows the patient's name, so it is audited as a read.
/// </summary>
internal static class LabelEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/specimens/{barcode}/label.zpl", Zpl);
        api.MapGet("/specimens/{barcode}/label.pdf", Pdf);
    }

    private static async Task<IResult> Zpl(string barcode, HttpContext http, IClinicalStore store, ITestCatalog catalog, AuditTrail audit)
    {
        var copies = Copies(http);
        var label = await LoadAsync(barcode, http, store, catalog, audit, "label.zpl");
        return label is null
            ? FhirResult.NotFound("Specimen", barcode)
            : Results.Text(ZplLabelWriter.Write(label, copies), "text/plain; charset=utf-8");
    }

    private static async Task<IResult> Pdf(string barcode, HttpContext http, IClinicalStore store, ITestCatalog catalog, AuditTrail audit, PdfLabelWriter writer)
    {
        var copies = Copies(http);
        var label = await LoadAsync(barcode, http, store, catalog, audit, "label.pdf");
        if (label is null) return FhirResult.NotFound("Specimen", barcode);
        var bytes = writer.Write(Enumerable.Repeat(label, copies).ToList());
        return Results.File(bytes, "application/pdf", $"label-{label.Barcode}.pdf");
    }

    private static int Copies(HttpContext http)
    {
        if (!http.Request.Query.TryGetValue("copies", out var raw)) return 1;
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 20
            ? n
            : throw new FhirInputException(IssueType.Value, "copies must be an integer from 1 to 20.", "copies");
    }

    private static async Task<TubeLabel?> LoadAsync(
        string barcode, HttpContext http, IClinicalStore store, ITestCatalog catalog, AuditTrail audit, string what)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "Specimen", "read");
        if (barcode.Length > 64 || !barcode.All(char.IsAsciiLetterOrDigit))
            throw new FhirInputException(IssueType.Value, $"'{barcode}' is not a specimen barcode (letters and digits only).", "barcode");
        var specimen = await store.FindSpecimenByBarcodeAsync(caller.Scope, barcode, http.RequestAborted);
        var patient = specimen is null ? null : await store.GetPatientAsync(caller.Scope, specimen.PatientId, http.RequestAborted);
        var referral = specimen is null ? null : await store.GetReferralAsync(caller.Scope, specimen.ReferralId, http.RequestAborted);
        var found = specimen is not null && patient is not null && referral is not null;
        await audit.RecordAsync(http, caller, "read", "Label", $"{barcode}/{what}", patient?.Id,
            found ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
        return found ? TubeLabel.From(specimen!, patient!, referral!, catalog) : null;
    }
}
