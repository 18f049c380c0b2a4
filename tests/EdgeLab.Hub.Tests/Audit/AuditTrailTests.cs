using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Audit;

public sealed class AuditTrailTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reads_and_searches_of_patient_data_are_audited_with_who_what_when_outcome(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var client = host.Client(host.ClinicToken);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        Assert.Equal(200, (await client.FetchAsync($"/fhir/Patient/{reg.Patient.Id}")).Status);
        Assert.Equal(404, (await client.FetchAsync("/fhir/Patient/0000")).Status);
        Assert.Equal(200, (await client.FetchAsync($"/fhir/Observation?patient={reg.Patient.Id}&_count=5")).Status);
        Assert.Equal(404, (await host.Client(host.OtherClinicToken).FetchAsync($"/fhir/Patient/{reg.Patient.Id}")).Status);

        var rows = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.Clinic })).Items;
        var read = Assert.Single(rows, r => r.Action == "read" && r.ResourceId == reg.Patient.Id);
        Assert.Equal("clinic-1-emr", read.ClientId);
        Assert.Equal("Patient", read.ResourceType);
        Assert.Equal(reg.Patient.Id, read.PatientId);
        Assert.Equal(200, read.StatusCode);
        Assert.True(read.At >= before);
        Assert.Single(rows, r => r.Action == "read" && r.ResourceId == "0000" && r.StatusCode == 404);
        var search = Assert.Single(rows, r => r.Action == "search" && r.ResourceType == "Observation");
        Assert.Equal($"?patient={reg.Patient.Id}&_count=5", search.Query);

        var otherRows = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.OtherClinic })).Items;
        var denied = Assert.Single(otherRows);
        Assert.Equal(404, denied.StatusCode);
        // The trail knows whose record was probed (for the regional security officer) ...
        Assert.Equal(reg.Patient.Id, denied.PatientId);
        // ... but the other clinic's own view of its trail does not tell it.
        var (status, view, _) = await host.Client(host.OtherClinicAuditToken).FetchAsync("/api/audit");
        Assert.Equal(200, status);
        var item = Assert.Single(view!["items"]!.AsArray());
        Assert.Equal(404, (int?)item!["statusCode"]);
        Assert.Null(item["patientId"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Audit_endpoint_shows_only_the_callers_organization(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        await host.Client(host.OtherClinicToken).FetchAsync("/fhir/Patient/abc");
        var client = host.Client(host.ClinicToken);
        await client.FetchAsync("/fhir/Patient/abc");
        var (status, body, _) = await client.FetchAsync("/api/audit?count=50");
        Assert.Equal(200, status);
        var items = body!["items"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal(TestHub.Clinic, (string?)i!["organizationId"]));
        var (bad, outcome, _) = await client.FetchAsync("/api/audit?from=yesterday");
        Assert.Equal(400, bad);
        Http.AssertOutcome(outcome, "value");
    }
}
