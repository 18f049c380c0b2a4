using System.CommandLine;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Semd;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Hosting;

/// <summary>
/// <c>edgelab-hub semd export --report ID --out FILE --base-url URL [--validation FILE]</c>: the СЭМД «Протокол лабораторного
/// исследования» of one final DiagnosticReport as a FHIR R4 document Bundle (Fhir/Semd), with its validation report
/// (OperationOutcome) beside it. Runs with the region's scope (regional IT at the hub's console). A report that is not
/// final is refused with the reason (exit 2), as is a document that breaks a structural rule (nothing is written then).
/// </summary>
internal static class SemdCommand
{
    public static Command Create()
    {
        var report = new Option<string>("--report") { Description = "DiagnosticReport id ({referralId}-{labId}), as in /fhir/DiagnosticReport/{id}", Required = true };
        var output = new Option<string>("--out") { Description = "File to write the document Bundle to (application/fhir+json)", Required = true };
        var fhirBase = new Option<string>("--base-url")
        {
            Description = "The hub's public FHIR base, e.g. https://hub.region.example/fhir: the document's fullUrls are {base}/{type}/{id}",
            Required = true,
        };
        fhirBase.Validators.Add(r =>
        {
            if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                r.AddError("--base-url must be an absolute http(s) URL, e.g. https://hub.region.example/fhir");
        });
        var validation = new Option<string?>("--validation") { Description = "File for the validation report (OperationOutcome); default: FILE with .validation.json" };
        var export = new Command("export", "Write the СЭМД «Протокол лабораторного исследования» of a final DiagnosticReport (FHIR R4 document Bundle)") { report, output, fhirBase, validation };
        export.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var path = result.GetValue(output)!;
            var validationPath = result.GetValue(validation) ?? Path.ChangeExtension(path, null) + ".validation.json";
            var (warnings, infos) = await ExportAsync(scope, result.GetValue(report)!, result.GetValue(fhirBase)!, path, validationPath, ct).ConfigureAwait(false);
            Console.Error.WriteLine($"semd export: document written to {path}; validation report ({warnings} warnings, {infos} notes) to {validationPath}");
            return 0;
        });
        return new Command("semd", "СЭМД «Протокол лабораторного исследования» (Russian structured medical document) of final reports") { export };
    }

    /// <summary>Writes the document and its validation report; returns their warning and information counts.</summary>
    public static async Task<(int Warnings, int Notes)> ExportAsync(CliScope scope, string reportId, string fhirBase, string path, string validationPath, CancellationToken ct)
    {
        var export = await SemdExport.ExportAsync(scope.Store, scope.Store, scope.TestCatalog, AccessScope.Region, reportId, DateTimeOffset.UtcNow, fhirBase, ct).ConfigureAwait(false);
        switch (export)
        {
            case SemdExportResult.NotFound:
                throw new InvalidOperationException($"no DiagnosticReport '{reportId}' (ids look like {{referralId}}-{{labId}}; see GET /fhir/DiagnosticReport?patient=…)");
            case SemdExportResult.NotFinal refused:
                throw new InvalidOperationException(refused.Reason);
            case SemdExportResult.Made { Document.HasErrors: true } broken:
                await File.WriteAllBytesAsync(validationPath, FhirJson.Serialize(broken.Document.ValidationReport), ct).ConfigureAwait(false);
                throw new InvalidOperationException($"the document of DiagnosticReport/{reportId} breaks structural rules; nothing written but the validation report {validationPath}");
            case SemdExportResult.Made made:
                await File.WriteAllBytesAsync(path, FhirJson.Serialize(made.Document.Bundle), ct).ConfigureAwait(false);
                await File.WriteAllBytesAsync(validationPath, FhirJson.Serialize(made.Document.ValidationReport), ct).ConfigureAwait(false);
                var issues = made.Document.ValidationReport.Issue;
                return (issues.Count(i => i.Severity == "warning"), issues.Count(i => i.Severity == "information"));
            default:
                throw new InvalidOperationException("unexpected export result");
        }
    }
}
