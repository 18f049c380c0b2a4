using System.Text.Json.Nodes;
using EdgeLab.Contract;
using EdgeLab.Hub.Fhir.Semd;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir.Conformance;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fhir.Semd;

/// <summary>
/// The СЭМД «Протокол лабораторного исследования» over the real API (issue 15 §3) on SQLite and PostgreSQL: a final
/// report becomes a document Bundle valid against R4 (the project's validator) and our structural rules, with verified
/// ФСЛИ codes and NSI units where mapped and the rest named in the validation report; a report that is not final is
/// refused with the reason; scope and audit work as for a read.
/// </summary>
public sealed class SemdExportTests
{
    private const string Fsli = "urn:oid:1.2.643.5.1.13.13.11.1080";
    private const string NsiUnits = "urn:oid:1.2.643.5.1.13.13.11.1358";

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_final_report_becomes_a_valid_semd_document_with_unverified_codes_reported_not_guessed(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var referral = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT", "GLU"]);
        await FinishAsync(host, referral);
        var reportId = ReportId(referral);
        var client = host.Client(host.ClinicToken);

        var (status, document, response) = await client.FetchAsync($"/fhir/DiagnosticReport/{reportId}/$semd");
        Assert.Equal(200, status);
        Assert.Equal("document", (string?)document!["type"]);
        Assert.Contains("$semd-validation", response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        var entries = document["entry"]!.AsArray();
        var composition = entries[0]!["resource"]!;
        Assert.Equal("Composition", (string?)composition["resourceType"]);
        Assert.Equal("final", (string?)composition["status"]);
        Assert.Equal(["SPECIMENS", "ANALYSERS", "VITALPARAM", "RESLAB"], composition["section"]!.AsArray().Select(s => (string?)s!["code"]!["coding"]![0]!["code"]));
        Assert.Equal(2, entries.Count(e => (string?)e!["resource"]!["resourceType"] == "Specimen"));
        Assert.Equal(2, entries.Count(e => (string?)e!["resource"]!["resourceType"] == "Device"));

        // Verified ФСЛИ first, NSI units where mapped; glucose (no verified ФСЛИ code, mmol/L unmapped) keeps LOINC + UCUM.
        var hgb = Observation(entries, "HGB");
        Assert.Equal((Fsli, "1017128"), FirstCoding(hgb));
        Assert.Equal((NsiUnits, "60"), ((string?)hgb["valueQuantity"]!["system"], (string?)hgb["valueQuantity"]!["code"]));
        Assert.Equal("322", (string?)Observation(entries, "WBC")["valueQuantity"]!["code"]);
        var glu = Observation(entries, "GLU");
        Assert.DoesNotContain(glu["code"]!["coding"]!.AsArray(), c => (string?)c!["system"] == Fsli);
        Assert.Contains(glu["code"]!["coding"]!.AsArray(), c => (string?)c!["code"] == "14749-6");
        Assert.Equal("http://unitsofmeasure.org", (string?)glu["valueQuantity"]!["system"]);

        var (reportStatus, report, _) = await client.FetchAsync($"/fhir/DiagnosticReport/{reportId}/$semd-validation");
        Assert.Equal(200, reportStatus);
        Assert.Equal("OperationOutcome", (string?)report!["resourceType"]);
        var issues = report["issue"]!.AsArray();
        Assert.DoesNotContain(issues, i => (string?)i!["severity"] == "error");
        var warnings = issues.Where(i => (string?)i!["severity"] == "warning").Select(i => (string)i!["diagnostics"]!).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("GLU", StringComparison.Ordinal) && w.Contains("ФСЛИ", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("mmol/L", StringComparison.Ordinal));
        var gluIndex = entries.IndexOf(entries.Single(e => e!["resource"] == glu));
        Assert.Contains(issues, i => (string?)i!["expression"]![0] == $"Bundle.entry[{gluIndex}].resource.code");

        Assert.Empty(SemdStructureCheck.Check(document, host.Hub.Catalog));
        var invalid = await FhirValidator.ValidateAsync([("semd document", document), ("semd validation report", report)]);
        Assert.True(invalid.Count == 0, string.Join("\n", invalid));

        // Audited like a read, with the patient.
        var audit = await host.Hub.Store.QueryAuditAsync(new AuditQuery { PatientId = referral.Patient.Id, ResourceType = "DiagnosticReport", Count = 10 });
        Assert.Contains(audit.Items, a => a.ResourceId == $"{reportId}/$semd" && a.StatusCode == 200 && a.Action == "read");
        Assert.Contains(audit.Items, a => a.ResourceId == $"{reportId}/$semd-validation" && a.StatusCode == 200);

        // The same report version gives the same document (name-based ids), apart from when it was assembled.
        var (_, again, _) = await client.FetchAsync($"/fhir/DiagnosticReport/{reportId}/$semd");
        Assert.Equal((string?)document["identifier"]!["value"], (string?)again!["identifier"]!["value"]);
        Assert.Equal(entries.Select(e => (string?)e!["fullUrl"]), again["entry"]!.AsArray().Select(e => (string?)e!["fullUrl"]));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_report_that_is_not_final_is_refused_with_the_reason_and_scope_is_a_reads(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var referral = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT", "GLU"]);
        var edta = referral.Specimens.Single(s => s.TestCodes.Contains("HGB")).Id;
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, edta))]);
        await host.Hub.ReleaseHeldAsync();
        var reportId = ReportId(referral);

        var (status, outcome, _) = await host.Client(host.ClinicToken).FetchAsync($"/fhir/DiagnosticReport/{reportId}/$semd");
        Assert.Equal(422, status);
        var issue = Http.AssertOutcome(outcome, "business-rule");
        var reason = (string)issue["diagnostics"]!;
        Assert.Contains("partial", reason, StringComparison.Ordinal);
        Assert.Contains("GLU", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("HGB", reason, StringComparison.Ordinal);

        // Another clinic's referral: 404 like an unknown id; a client without Observation/Specimen read: 403.
        Assert.Equal(404, (await host.Client(host.OtherClinicToken).FetchAsync($"/fhir/DiagnosticReport/{reportId}/$semd")).Status);
        Assert.Equal(404, (await host.Client(host.ClinicToken).FetchAsync("/fhir/DiagnosticReport/no-such-report/$semd")).Status);
        Assert.Equal(403, (await host.Client(host.PatientOnlyToken).FetchAsync($"/fhir/DiagnosticReport/{reportId}/$semd")).Status);
        var audit = await host.Hub.Store.QueryAuditAsync(new AuditQuery { PatientId = referral.Patient.Id, ResourceType = "DiagnosticReport", Count = 10 });
        Assert.Contains(audit.Items, a => a.ResourceId == $"{reportId}/$semd" && a.StatusCode == 422 && a.OrganizationId == TestHub.Clinic);
        Assert.Contains(audit.Items, a => a.ResourceId == $"{reportId}/$semd" && a.StatusCode == 404 && a.OrganizationId == TestHub.OtherClinic);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_cli_writes_the_document_and_its_validation_report_and_refuses_a_partial_report(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var final = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT", "GLU"]);
        await FinishAsync(host, final);
        var partial = await host.Hub.RegisterAsync(["GLU"]);
        using var scratch = new EdgeLab.LocalServices.ScratchDirectory("semd-cli");
        var file = Path.Combine(scratch.Path, "protocol.json");

        var (exit, output) = await RunHubAsync(["semd", "export", "--report", ReportId(final), "--out", file, "--base-url", "https://hub.test/fhir", .. host.Hub.StorageArguments]);
        Assert.True(exit == 0, output);
        var document = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        Assert.Equal("Composition", (string?)document["entry"]![0]!["resource"]!["resourceType"]);
        Assert.Empty(SemdStructureCheck.Check(document, host.Hub.Catalog));
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(scratch.Path, "protocol.validation.json")))!;
        Assert.Contains(report["issue"]!.AsArray(), i => ((string?)i!["diagnostics"])?.Contains("GLU", StringComparison.Ordinal) == true);

        var refusedFile = Path.Combine(scratch.Path, "partial.json");
        var (refused, message) = await RunHubAsync(["semd", "export", "--report", ReportId(partial), "--out", refusedFile, "--base-url", "https://hub.test/fhir", .. host.Hub.StorageArguments]);
        Assert.Equal(2, refused);
        Assert.Contains("registered", message, StringComparison.Ordinal);
        Assert.Contains("GLU", message, StringComparison.Ordinal);
        Assert.False(File.Exists(refusedFile));

        var (helpExit, help) = await RunHubAsync(["semd", "export", "--help"]);
        Assert.Equal(0, helpExit);
        Assert.Contains("--report", help, StringComparison.Ordinal);
    }

    internal static string ReportId(RegisteredReferral referral) => $"{referral.Referral.Id}-{TestHub.Lab}";

    /// <summary>A blood count on the EDTA tube and a glucose on the serum tube, then the lab doctor releases what the rules held.</summary>
    internal static async Task FinishAsync(ApiTestHost host, RegisteredReferral referral)
    {
        var edta = referral.Specimens.Single(s => s.TestCodes.Contains("HGB")).Id;
        var serum = referral.Specimens.Single(s => s.TestCodes.Contains("GLU")).Id;
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, edta))]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(new ResultMessage
        {
            MessageId = new MessageId(TestHub.Gateway, Messages.Epoch, 2).ToString(),
            GatewayId = TestHub.Gateway,
            Sequence = 2,
            InstrumentId = "cobas-c311-1",
            Profile = "generic-lis2",
            Protocol = "astm",
            Kind = "patient",
            SpecimenId = serum,
            ReceivedAt = Messages.At,
            TranscriptSha256 = new string('c', 64),
            Results = [new ResultItem { Code = "GLU", Value = "5.2", Units = "mmol/L", Status = "F", CompletedAt = Messages.At }],
        })]);
        await host.Hub.ReleaseHeldAsync();
    }

    private static JsonNode Observation(JsonArray entries, string catalogCode) => entries
        .Select(e => e!["resource"]!)
        .Single(r => (string?)r["resourceType"] == "Observation"
            && r["code"]!["coding"]!.AsArray().Any(c => (string?)c!["system"] == "urn:edgelab:catalog" && (string?)c["code"] == catalogCode));

    private static (string?, string?) FirstCoding(JsonNode observation) =>
        ((string?)observation["code"]!["coding"]![0]!["system"], (string?)observation["code"]!["coding"]![0]!["code"]);

    private static async Task<(int Exit, string Output)> RunHubAsync(string[] args)
    {
        await using var p = EdgeLab.LocalServices.EdgeLabComponents.Start(EdgeLab.LocalServices.EdgeLabComponents.Hub, args);
        Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(60)), "edgelab-hub did not exit");
        return (p.ExitCode, p.Output);
    }
}
