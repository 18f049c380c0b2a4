using System.Text.Json.Nodes;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Auth;

/// <summary>
/// Issue 9 item 1, second half: registering a referral for a patient never grants sight of the patient's other referrals.
/// Clinic-1 sends Ivanova to lab-1 (with results); clinic-2 sends the same Ivanova (matching demographics) to lab-2.
/// Clinic-2 and lab-2 now see Ivanova herself and their own referral — never clinic-1's referral, specimen, results,
/// report or label — on every FHIR and JSON read path; clinic-1 and lab-1 likewise never see clinic-2's.
/// </summary>
public sealed class ReferralScopeTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private const string OtherLab = "lab-2";

    private sealed record Side(HttpClient Clinic, HttpClient Lab, RegisteredReferral Referral, long ResultId);

    private static async Task<(ApiTestHost Host, Side First, Side Second)> TwoReferralsForOnePatientAsync(string provider)
    {
        var host = await ApiTestHost.StartAsync(provider);
        await host.Hub.Store.UpsertOrganizationAsync(new Organization { Id = OtherLab, Name = "Lab Two", Kind = OrganizationKind.Lab });
        await host.Hub.Store.UpsertGatewayAsync("lab-2-gw01", OtherLab);
        var lab2Token = await ApiTestHost.AddClientAsync(host.Hub, "lab-2-lis", OtherLab, ApiScopes.Default);

        var first = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var second = (await host.Hub.TryRegisterAsync(["WBC", "HGB", "PLT"], orderingOrganization: TestHub.OtherClinic, performingLab: OtherLab)).Registered!;
        Assert.Equal(first.Patient.Id, second.Patient.Id); // one person, correctly matched
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, first.Specimens[0].Id)), Messages.Envelope(Messages.Cbc(1, second.Specimens[0].Id, gateway: "lab-2-gw01"))]);
        async Task<long> ResultOf(RegisteredReferral r) =>
            (await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = r.Specimens[0].Id })).Items[0].Id;
        return (host,
            new Side(host.Client(host.ClinicToken), host.Client(host.LabToken), first, await ResultOf(first)),
            new Side(host.Client(host.OtherClinicToken), host.Client(lab2Token), second, await ResultOf(second)));
    }

    private static string[] Reads(Side s) =>
    [
        $"/fhir/ServiceRequest/{s.Referral.Referral.Id}.HGB",
        $"/fhir/Specimen/{s.Referral.Specimens[0].Id}",
        $"/fhir/Observation/{s.ResultId}",
        $"/fhir/DiagnosticReport/{s.Referral.Referral.Id}-{s.Referral.Referral.PerformingLabId}",
        $"/api/specimens/{s.Referral.Specimens[0].Id}/label.zpl",
        $"/api/specimens/{s.Referral.Specimens[0].Id}/label.pdf",
    ];

    /// <summary>Searches by the shared patient: each must return the caller's own side and never the other's.</summary>
    private static string[] Searches(string patientId, Side s) =>
    [
        $"/fhir/Observation?patient={patientId}",
        $"/fhir/Observation?specimen={s.Referral.Specimens[0].Id}",
        $"/fhir/ServiceRequest?patient={patientId}",
        $"/fhir/ServiceRequest?requisition={s.Referral.Referral.Id}",
        $"/fhir/Specimen?patient={patientId}",
        $"/fhir/Specimen?identifier={s.Referral.Specimens[0].Id}",
        $"/fhir/DiagnosticReport?patient={patientId}",
    ];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Each_organization_reads_its_own_referrals_of_a_shared_patient_and_nothing_else(string provider)
    {
        var (host, first, second) = await TwoReferralsForOnePatientAsync(provider);
        await using var _ = host;
        var patientId = first.Referral.Patient.Id;
        foreach (var (own, foreign) in new[] { (first, second), (second, first) })
        {
            foreach (var client in new[] { own.Clinic, own.Lab })
            {
                Assert.Equal(200, (await client.FetchAsync($"/fhir/Patient/{patientId}")).Status); // the patient herself: yes
                foreach (var url in Reads(own)) Assert.True((await client.FetchAsync(url)).Status == 200, $"own {url}");
                foreach (var url in Reads(foreign)) Assert.True((await client.FetchAsync(url)).Status == 404, $"foreign {url} must be 404");
                foreach (var url in Searches(patientId, own).Concat(Searches(patientId, foreign)))
                {
                    var (status, bundle, _) = await client.FetchAsync(url);
                    Assert.Equal(200, status);
                    var text = bundle!["entry"]?.ToJsonString() ?? ""; // the entries (the self link repeats the query)
                    Assert.DoesNotContain(foreign.Referral.Referral.Id, text, StringComparison.Ordinal);
                    Assert.DoesNotContain(foreign.Referral.Specimens[0].Id, text, StringComparison.Ordinal);
                    Assert.DoesNotContain($"\"Observation/{foreign.ResultId}\"", text, StringComparison.Ordinal);
                }
                Assert.Equal(3, (await client.FetchAsync($"/fhir/Observation?patient={patientId}")).Body!["entry"]!.AsArray().Count);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Only_the_ordering_clinic_cancels_a_referral(string provider)
    {
        var (host, first, _) = await TwoReferralsForOnePatientAsync(provider);
        await using var __ = host;
        Assert.Null(await host.Hub.Store.CancelReferralAsync(AccessScope.ForOrganization(TestHub.OtherClinic), first.Referral.Referral.Id));
        Assert.Null(await host.Hub.Store.CancelReferralAsync(AccessScope.ForOrganization(TestHub.Lab), first.Referral.Referral.Id));
        Assert.NotNull(await host.Hub.Store.CancelReferralAsync(AccessScope.ForOrganization(TestHub.Clinic), first.Referral.Referral.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_lab_resolves_held_results_only_onto_its_own_specimens_and_cannot_probe_barcodes(string provider)
    {
        var (host, first, second) = await TwoReferralsForOnePatientAsync(provider);
        await using var _ = host;
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, "LAB-000777", gateway: "lab-2-gw01"))]);
        var items = (await second.Lab.FetchAsync("/api/unmatched")).Body!["items"]!.AsArray();
        var id = (long)items[0]!["id"]!;
        var resultsBefore = (await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { IncludeSuperseded = true })).Items.Count;

        var foreignBarcode = first.Referral.Specimens[0].Id;
        var unknownBarcode = EdgeLab.Hub.Referrals.SpecimenBarcode.Issue(999_999); // well-formed, never issued
        var (foreignStatus, foreignOutcome, _) = await second.Lab.PostJsonAsync($"/api/unmatched/{id}/resolve", $$"""{"specimenId": "{{foreignBarcode}}"}""");
        var (unknownStatus, unknownOutcome, _) = await second.Lab.PostJsonAsync($"/api/unmatched/{id}/resolve", $$"""{"specimenId": "{{unknownBarcode}}"}""");
        Assert.Equal(unknownStatus, foreignStatus);
        Assert.Equal(422, foreignStatus);
        // Word for word the same answer, barcode aside: no existence oracle.
        Assert.Equal(Diagnostics(unknownOutcome).Replace(unknownBarcode, "#", StringComparison.Ordinal), Diagnostics(foreignOutcome).Replace(foreignBarcode, "#", StringComparison.Ordinal));
        Assert.Equal(resultsBefore, (await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { IncludeSuperseded = true })).Items.Count);

        var audit = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { ClientId = "lab-2-lis" })).Items;
        Assert.Equal(2, audit.Count(e => e.Action == "resolve" && e.StatusCode == 422));

        var (ok, body, _) = await second.Lab.PostJsonAsync($"/api/unmatched/{id}/resolve", $$"""{"specimenId": "{{second.Referral.Specimens[0].Id}}"}""");
        Assert.Equal(200, ok);
        Assert.Equal(3, body!["resultIds"]!.AsArray().Count);
    }

    private static string Diagnostics(JsonNode? outcome) => (string)Http.AssertOutcome(outcome, "business-rule")["diagnostics"]!;
}
