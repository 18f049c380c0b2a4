using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Auth;

/// <summary>A client sees only its organization's patients; others' data is 404 or absent, never 403 (no existence leak).</summary>
public sealed class OrganizationIsolationTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Another_clinic_cannot_read_or_find_the_patient_or_results(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var specimen = reg.Specimens.Single().Id;
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen))]);
        var resultId = (await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { PatientId = reg.Patient.Id })).Items[0].Id;
        var own = host.Client(host.ClinicToken);
        var other = host.Client(host.OtherClinicToken);

        string[] reads =
        [
            $"/fhir/Patient/{reg.Patient.Id}", $"/fhir/Observation/{resultId}", $"/fhir/Specimen/{specimen}",
            $"/fhir/ServiceRequest/{reg.Referral.Id}.HGB", $"/fhir/DiagnosticReport/{reg.Referral.Id}-{TestHub.Lab}",
            $"/api/specimens/{specimen}/label.zpl",
        ];
        foreach (var url in reads)
        {
            Assert.Equal(200, (await own.FetchAsync(url)).Status);
            var (status, body, _) = await other.FetchAsync(url);
            Assert.Equal(404, status);
            Http.AssertOutcome(body, "not-found");
        }

        string[] searches =
        [
            $"/fhir/Observation?patient={reg.Patient.Id}", $"/fhir/Patient?identifier={reg.Patient.Snils}", $"/fhir/Specimen?identifier={specimen}",
            $"/fhir/ServiceRequest?patient={reg.Patient.Id}", $"/fhir/DiagnosticReport?patient={reg.Patient.Id}",
        ];
        foreach (var url in searches)
        {
            Assert.NotNull((await own.FetchAsync(url)).Body!["entry"]);
            var (status, bundle, _) = await other.FetchAsync(url);
            Assert.Equal(200, status);
            Assert.Null(bundle!["entry"]);
            Assert.Equal(0, (int?)bundle["total"]);
        }
    }
}
