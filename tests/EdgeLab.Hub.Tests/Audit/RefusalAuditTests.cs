using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Audit;

/// <summary>Issue 9 item 8: refusals are in the trail, with the patient where known, and the region has an officer's view.</summary>
public sealed class RefusalAuditTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Refusals_400_401_403_404_405_415_are_audited_with_the_patient_where_known(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB"]);
        var specimen = reg.Specimens[0].Id;
        var clinic = host.Client(host.ClinicToken);

        Assert.Equal(400, (await clinic.FetchAsync($"/fhir/Observation?patient={reg.Patient.Id}&code:not=HGB")).Status);
        Assert.Equal(403, (await host.Client(host.PatientOnlyToken).FetchAsync($"/fhir/Specimen/{specimen}")).Status);
        Assert.Equal(404, (await host.Client(host.OtherClinicToken).FetchAsync($"/fhir/Specimen/{specimen}")).Status);
        Assert.Equal(405, (await clinic.PostJsonAsync("/api/audit", "{}")).Status);
        Assert.Equal(415, (await clinic.PostJsonAsync("/api/referrals", "x", "text/plain")).Status);
        var revoked = await ApiTestHost.AddClientAsync(host.Hub, "clinic-1-old", TestHub.Clinic, ApiScopes.Default);
        await host.Hub.Store.RevokeApiClientAsync("clinic-1-old", DateTimeOffset.UtcNow);
        Assert.Equal(401, (await host.Client(revoked).FetchAsync($"/fhir/Patient/{reg.Patient.Id}")).Status);
        Assert.Equal(401, (await host.Client(ApiTokens.Generate()).FetchAsync($"/fhir/Patient/{reg.Patient.Id}")).Status);
        Assert.Equal(401, (await host.Client(null).FetchAsync($"/fhir/Patient/{reg.Patient.Id}")).Status);

        var all = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { Count = 500 })).Items;
        AuditEntry One(int status, string client) => Assert.Single(all, e => e.StatusCode == status && e.ClientId == client);
        var bad = One(400, "clinic-1-emr");
        Assert.Equal(("search", "Observation", reg.Patient.Id), (bad.Action, bad.ResourceType, bad.PatientId));
        Assert.Contains("code:not=HGB", bad.Query, StringComparison.Ordinal);
        var forbidden = One(403, "clinic-1-portal");
        Assert.Equal(("read", "Specimen", specimen, reg.Patient.Id), (forbidden.Action, forbidden.ResourceType, forbidden.ResourceId, forbidden.PatientId));
        var notFound = One(404, "clinic-2-emr");
        Assert.Equal(("read", "Specimen", reg.Patient.Id), (notFound.Action, notFound.ResourceType, notFound.PatientId));
        Assert.Equal("api/audit", One(405, "clinic-1-emr").ResourceType);
        Assert.Equal(("create", "api/referrals"), (One(415, "clinic-1-emr").Action, One(415, "clinic-1-emr").ResourceType));
        var old = One(401, "clinic-1-old");
        Assert.Equal((TestHub.Clinic, "Patient", reg.Patient.Id), (old.OrganizationId, old.ResourceType, old.PatientId));
        var unknown = One(401, RefusalAudit.UnknownClient);
        Assert.Null(unknown.PatientId); // an unknown token learns nothing and costs no lookup
        Assert.Equal(2, all.Count(e => e.StatusCode == 401)); // the call without a token is no one's: not recorded
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_expired_token_is_401_saying_so_and_audited_under_its_client(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var expired = await ApiTestHost.AddClientAsync(host.Hub, "clinic-1-expired", TestHub.Clinic, ApiScopes.Default, DateTimeOffset.UtcNow.AddMinutes(-1));
        var current = await ApiTestHost.AddClientAsync(host.Hub, "clinic-1-current", TestHub.Clinic, ApiScopes.Default, DateTimeOffset.UtcNow.AddDays(1));

        var (status, outcome, response) = await host.Client(expired).FetchAsync("/fhir/Patient?family=Иванова");
        Assert.Equal(401, status);
        Assert.Contains("expired at", (string?)Http.AssertOutcome(outcome, "login")["diagnostics"], StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(200, (await host.Client(current).FetchAsync("/fhir/Patient?family=Иванова")).Status);

        var entry = Assert.Single((await host.Hub.Store.QueryAuditAsync(new AuditQuery { ClientId = "clinic-1-expired" })).Items);
        Assert.Equal((401, "search", "Patient"), (entry.StatusCode, entry.Action, entry.ResourceType));
        var listed = (await host.Hub.Store.ListApiClientsAsync()).Single(c => c.Id == "clinic-1-current");
        Assert.NotNull(listed.ExpiresAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_regional_security_officer_reads_every_organizations_trail_others_only_their_own(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var reg = await host.Hub.RegisterAsync(["HGB"]);
        Assert.Equal(200, (await host.Client(host.ClinicToken).FetchAsync($"/fhir/Patient/{reg.Patient.Id}")).Status);
        Assert.Equal(404, (await host.Client(host.OtherClinicToken).FetchAsync($"/fhir/Patient/{reg.Patient.Id}")).Status);

        var officer = host.Client(host.OfficerToken);
        var (status, body, _) = await officer.FetchAsync("/api/audit");
        Assert.Equal(200, status);
        var items = body!["items"]!.AsArray();
        Assert.Equal([TestHub.Clinic, TestHub.OtherClinic], items.Select(i => (string?)i!["organizationId"]).Distinct().Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.Equal(reg.Patient.Id, (string?)i!["patientId"]));
        var (one, only, _) = await officer.FetchAsync($"/api/audit?organization={TestHub.OtherClinic}");
        Assert.Equal(200, one);
        Assert.All(only!["items"]!.AsArray(), i => Assert.Equal(TestHub.OtherClinic, (string?)i!["organizationId"]));

        var (foreign, outcome, _) = await host.Client(host.ClinicToken).FetchAsync($"/api/audit?organization={TestHub.OtherClinic}");
        Assert.Equal(403, foreign);
        Assert.Equal("organization", (string?)Http.AssertOutcome(outcome, "forbidden")["expression"]![0]);
        Assert.Equal(403, (await host.Client(host.OtherClinicToken).FetchAsync("/api/audit")).Status);
    }
}
