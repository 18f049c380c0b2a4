using System.Net;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;
using Hl7.Fhir.Rest;
using F = Hl7.Fhir.Model;

namespace EdgeLab.Hub.Tests.Interop;

/// <summary>
/// The hub's FHIR API as an EMR sees it through an independent implementation: Firely's <see cref="FhirClient"/>
/// (Hl7.Fhir.R4), which parses every response with its own R4 parser — anything it refuses is a defect in our FHIR
/// output. Runs over the real API on a real database (SQLite file and PostgreSQL), results written by the real ingest
/// writer.
/// </summary>
public sealed class FirelyClientTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static FhirClient Emr(ApiTestHost host, string? token) =>
        new("http://localhost/fhir", host.Client(token), new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });

    private static List<T> Resources<T>(F.Bundle? bundle) where T : F.Resource => bundle!.Entry.Select(e => e.Resource).OfType<T>().ToList();

    private static bool HasCode(F.Observation o, string system, string code) => o.Code.Coding.Any(c => c.System == system && c.Code == code);

    private static F.Bundle.EntryComponent Post(F.Resource resource, string fullUrl) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new F.Bundle.RequestComponent { Method = F.Bundle.HTTPVerb.POST, Url = resource.TypeName },
    };

    private static async Task<(ApiTestHost Host, RegisteredReferral Referral)> SeededAsync(string provider, int referrals = 1)
    {
        var host = await ApiTestHost.StartAsync(provider);
        RegisteredReferral? first = null;
        for (var i = 1; i <= referrals; i++)
        {
            var referral = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
            first ??= referral;
            await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(i, referral.Specimens.Single().Id, hgb: "10.5"))]);
        }
        await host.Hub.ReleaseHeldAsync(); // HGB 105 g/L was held by autoverification; a lab doctor released it (issue 13)
        return (host, first!);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reads_every_resource_type_the_hub_serves(string provider)
    {
        var (host, reg) = await SeededAsync(provider);
        await using var _ = host;
        var emr = Emr(host, host.ClinicToken);

        var patient = await emr.ReadAsync<F.Patient>($"Patient/{reg.Patient.Id}");
        Assert.Equal(reg.Patient.Id, patient!.Id);
        Assert.Equal("Иванова", patient.Name[0].Family);

        var specimen = await emr.ReadAsync<F.Specimen>($"Specimen/{reg.Specimens.Single().Id}");
        Assert.Equal($"Patient/{reg.Patient.Id}", specimen!.Subject!.Reference);

        var observations = await emr.SearchAsync<F.Observation>([$"patient={reg.Patient.Id}"]);
        var hgb = Resources<F.Observation>(observations).Single(o => HasCode(o, "http://loinc.org", "718-7"));
        var read = await emr.ReadAsync<F.Observation>($"Observation/{hgb.Id}");
        Assert.Equal(105m, Assert.IsType<F.Quantity>(read!.Value).Value);
        Assert.Equal(F.ObservationStatus.Final, read.Status);
        var request = await emr.ReadAsync<F.ServiceRequest>(read.BasedOn[0].Reference!);
        Assert.Equal(F.RequestIntent.Order, request!.Intent);
        Assert.Equal($"Patient/{reg.Patient.Id}", request.Subject.Reference);

        var reports = await emr.SearchAsync<F.DiagnosticReport>([$"patient={reg.Patient.Id}"]);
        var report = Resources<F.DiagnosticReport>(reports).First();
        var reportRead = await emr.ReadAsync<F.DiagnosticReport>($"DiagnosticReport/{report.Id}");
        Assert.Equal(3, reportRead!.Result.Count);
        Assert.Contains(reportRead.Result, r => r.Reference == $"Observation/{hgb.Id}");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Paging_follows_next_links_to_the_end_without_duplicates(string provider)
    {
        var (host, reg) = await SeededAsync(provider, referrals: 4);
        await using var _ = host;
        var emr = Emr(host, host.ClinicToken);
        var expected = (await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { PatientId = reg.Patient.Id, Count = 500 })).Items.Count;
        Assert.Equal(12, expected);

        var page = await emr.SearchAsync<F.Observation>([$"patient={reg.Patient.Id}"], pageSize: 5);
        var ids = new List<string>();
        var pages = 0;
        while (page is not null)
        {
            pages++;
            Assert.Equal(F.Bundle.BundleType.Searchset, page.Type);
            ids.AddRange(page.Entry.Select(e => e.Resource!.Id!));
            page = await emr.ContinueAsync(page);
        }

        Assert.Equal(3, pages);
        Assert.Equal(expected, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Transaction_registers_a_referral_and_its_results_read_back(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var emr = Emr(host, host.ClinicToken);
        const string patientUrl = "urn:uuid:7d1f6a52-0000-4000-8000-000000000001";
        var transaction = new F.Bundle { Type = F.Bundle.BundleType.Transaction };
        transaction.Entry.Add(Post(new F.Patient
        {
            Identifier = [new F.Identifier("urn:oid:1.2.643.2.69.1.1.1.6.223", Snils.Complete("445566778"))],
            Name = [new F.HumanName { Use = F.HumanName.NameUse.Official, Family = "Кузнецова", Given = ["Анна"] }],
            Gender = F.AdministrativeGender.Female,
            BirthDate = "1992-05-30",
        }, patientUrl));
        transaction.Entry.Add(Post(new F.ServiceRequest
        {
            Status = F.RequestStatus.Active,
            Intent = F.RequestIntent.Order,
            Requisition = new F.Identifier("urn:emr:referral", "EMR-2026-0777"),
            Code = new F.CodeableConcept("urn:edgelab:catalog", "HGB"),
            Subject = new F.ResourceReference(patientUrl),
            Requester = new F.ResourceReference { Display = "Петров П. П." },
            Performer = [new F.ResourceReference($"Organization/{TestHub.Lab}")],
        }, "urn:uuid:7d1f6a52-0000-4000-8000-000000000002"));

        var response = await emr.TransactionAsync(transaction);

        Assert.Equal(F.Bundle.BundleType.TransactionResponse, response!.Type);
        Assert.All(response.Entry, e => Assert.StartsWith("201", e.Response!.Status, StringComparison.Ordinal));
        var patient = Resources<F.Patient>(response).Single();
        var request = Resources<F.ServiceRequest>(response).Single();
        var specimen = Resources<F.Specimen>(response).Single();
        Assert.Equal($"Patient/{patient.Id}", request.Subject.Reference);

        // The EMR's own referral number comes back as ServiceRequest.identifier; requisition is the hub's referral id,
        // shared by every request of the referral (R4 §12.8 ServiceRequest.requisition), which the EMR searches by.
        Assert.Contains(request.Identifier, i => i.Value == "EMR-2026-0777");
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen.AccessionIdentifier!.Value, hgb: "12.5"))]);
        var requests = await emr.SearchAsync<F.ServiceRequest>([$"requisition={request.Requisition!.System}|{request.Requisition.Value}"]);
        Assert.Equal(request.Id, Assert.Single(Resources<F.ServiceRequest>(requests)).Id);
        var results = await emr.SearchAsync<F.Observation>([$"specimen=Specimen/{specimen.Id}"]);
        var hgb = Resources<F.Observation>(results).Single(o => HasCode(o, "http://loinc.org", "718-7"));
        Assert.Equal(125m, Assert.IsType<F.Quantity>(hgb.Value).Value);
        Assert.Equal($"Patient/{patient.Id}", hgb.Subject!.Reference);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Errors_reach_the_emr_as_status_and_parsed_operation_outcome(string provider)
    {
        var (host, reg) = await SeededAsync(provider);
        await using var _ = host;

        var anonymous = await Assert.ThrowsAsync<FhirOperationException>(() => Emr(host, null).ReadAsync<F.Patient>($"Patient/{reg.Patient.Id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);

        var outOfScope = await Assert.ThrowsAsync<FhirOperationException>(() => Emr(host, host.PatientOnlyToken).SearchAsync<F.Observation>([$"patient={reg.Patient.Id}"]));
        Assert.Equal(HttpStatusCode.Forbidden, outOfScope.Status);

        // Another organization's token: its patient is not found, exactly like one that does not exist (no existence leak).
        var otherOrganization = await Assert.ThrowsAsync<FhirOperationException>(() => Emr(host, host.OtherClinicToken).ReadAsync<F.Patient>($"Patient/{reg.Patient.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, otherOrganization.Status);
        var missing = await Assert.ThrowsAsync<FhirOperationException>(() => Emr(host, host.ClinicToken).ReadAsync<F.Observation>("Observation/987654321"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Contains(missing.Outcome!.Issue, i => i.Code == F.OperationOutcome.IssueType.NotFound);

        var bad = await Assert.ThrowsAsync<FhirOperationException>(() => Emr(host, host.ClinicToken).SearchAsync<F.Observation>([$"patient={reg.Patient.Id}", "date=yesterday"]));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        var issue = Assert.Single(bad.Outcome!.Issue);
        Assert.Equal(F.OperationOutcome.IssueSeverity.Error, issue.Severity);
        Assert.Equal("date", Assert.Single(issue.Expression));
    }
}
