using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Fhir.Semd;

/// <summary>
/// The СЭМД as a FHIR operation on the report instance (R4 §3.1.0.11 / §2.21.0.2 "Operations": <c>GET [base]/[type]/[id]/$op</c>
/// for an operation without side effects), so it sits beside the report read with the same base, media type, token,
/// 404-for-foreign-ids rule and audit, and needs no second authorization model as an <c>/api</c> route would:
/// <list type="bullet">
/// <item><c>GET /fhir/DiagnosticReport/{id}/$semd</c>: the document Bundle (200); a report that is not final → 422 with
/// the reason; <c>Link: &lt;…/$semd-validation&gt;; rel="describedby"</c> points at its validation report.</item>
/// <item><c>GET /fhir/DiagnosticReport/{id}/$semd-validation</c>: the validation report (OperationOutcome, 200): tests
/// without a verified ФСЛИ code, units without an NSI code, what the hub cannot fill in.</item>
/// </list>
/// The document carries the patient, specimens and results, so the caller needs read access to all four types. A document
/// that breaks a structural rule is never handed out: 500 with the broken rules.
/// </summary>
internal static class SemdEndpoints
{
    private static readonly string[] CarriedTypes = ["DiagnosticReport", "Patient", "Specimen", "Observation"];

    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/DiagnosticReport/{id}/$semd", (string id, HttpContext http, IClinicalStore store, IDirectoryStore directory, ITestCatalog catalog, AuditTrail audit, TimeProvider time) =>
            AnswerAsync(id, "$semd", http, store, directory, catalog, audit, time));
        fhir.MapGet("/DiagnosticReport/{id}/$semd-validation", (string id, HttpContext http, IClinicalStore store, IDirectoryStore directory, ITestCatalog catalog, AuditTrail audit, TimeProvider time) =>
            AnswerAsync(id, "$semd-validation", http, store, directory, catalog, audit, time));
    }

    private static async Task<IResult> AnswerAsync(
        string id, string operation, HttpContext http, IClinicalStore store, IDirectoryStore directory, ITestCatalog catalog, AuditTrail audit, TimeProvider time)
    {
        var caller = ApiCaller.From(http);
        foreach (var type in CarriedTypes) ScopeRequiredException.ThrowUnlessAllowed(caller, type, "read");
        var shownId = id.Length > 64 ? id[..64] + "…" : id;
        var export = await SemdExport.ExportAsync(store, directory, catalog, caller.Scope, id, time.GetUtcNow(), SearchSetBuilder.BaseUrl(http.Request), http.RequestAborted);

        var (status, patientId, result) = export switch
        {
            SemdExportResult.Made made when made.Document.HasErrors =>
                (StatusCodes.Status500InternalServerError, made.PatientId, new FhirResult(made.Document.ValidationReport, StatusCodes.Status500InternalServerError)),
            SemdExportResult.Made made when operation == "$semd-validation" =>
                (StatusCodes.Status200OK, made.PatientId, new FhirResult(made.Document.ValidationReport)),
            SemdExportResult.Made made => (StatusCodes.Status200OK, made.PatientId, new FhirResult(made.Document.Bundle)),
            SemdExportResult.NotFinal refused => (StatusCodes.Status422UnprocessableEntity, refused.PatientId,
                FhirResult.Outcome(StatusCodes.Status422UnprocessableEntity, IssueType.BusinessRule, refused.Reason, "DiagnosticReport.status")),
            _ => (StatusCodes.Status404NotFound, await AuditSubject.PatientOfAsync(store, "DiagnosticReport", id, http.RequestAborted),
                FhirResult.NotFound("DiagnosticReport", shownId)),
        };
        await audit.RecordAsync(http, caller, "read", "DiagnosticReport", (id.Length > 40 ? id[..40] : id) + "/" + operation, patientId, status);
        if (status == StatusCodes.Status200OK && operation == "$semd")
            http.Response.Headers.Link = $"<{SearchSetBuilder.BaseUrl(http.Request)}/DiagnosticReport/{Uri.EscapeDataString(id)}/$semd-validation>; rel=\"describedby\"";
        return result;
    }
}
