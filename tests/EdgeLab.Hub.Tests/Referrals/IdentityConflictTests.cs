using System.Text.Json.Nodes;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Referrals;

/// <summary>
/// Issue 9 item 1: an identifier that matches a registered patient with other demographics is never merged. The referral
/// is held in the patient-identity queue, the caller learns nothing of the other patient, and a person decides.
/// </summary>
public sealed class IdentityConflictTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    /// <summary>A plain-JSON referral for a different person (Сидоров, born 1955) carrying <paramref name="snils"/> / <paramref name="oms"/>.</summary>
    private static string Form(string? snils, string? oms = null, string family = "Сидоров", string birthDate = "1955-07-02", string? externalId = null) => new JsonObject
    {
        ["patient"] = new JsonObject { ["snils"] = snils, ["oms"] = oms, ["family"] = family, ["given"] = "Алексей", ["sex"] = "male", ["birthDate"] = birthDate },
        ["practitioner"] = "Смирнова О. В.",
        ["tests"] = new JsonArray("GLU"),
        ["performingLab"] = TestHub.Lab,
        ["externalId"] = externalId,
    }.ToJsonString();

    /// <summary>A FHIR transaction whose Patient carries only an OMS policy number.</summary>
    private static string OmsOnlyBundle(string oms) => $$$"""
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-0000000000a1",
           "resource": {"resourceType": "Patient",
             "identifier": [{"system": "urn:oid:1.2.643.2.69.1.1.1.6.228", "value": "{{{oms}}}"}],
             "name": [{"family": "Сидоров", "given": ["Алексей"]}], "gender": "male", "birthDate": "1955-07-02"},
           "request": {"method": "POST", "url": "Patient"}},
          {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-0000000000a2",
           "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
             "code": {"coding": [{"system": "urn:edgelab:catalog", "code": "GLU"}]},
             "subject": {"reference": "urn:uuid:5c1b7a52-0000-4000-8000-0000000000a1"},
             "requester": {"display": "Смирнова О. В."},
             "performer": [{"reference": "Organization/{{{TestHub.Lab}}}"}]},
           "request": {"method": "POST", "url": "ServiceRequest"}}]}
        """;

    /// <summary>Ivanova registered by clinic-1, with results; returns her registration.</summary>
    private static async Task<RegisteredReferral> IvanovaWithResultsAsync(ApiTestHost host)
    {
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, reg.Specimens.Single().Id))]);
        return reg;
    }

    /// <summary>Posts a registration and checks the 202 answer: held, where, nothing about the registered patient, nothing registered or queued.</summary>
    private static async Task<long> PostHeldAsync(ApiTestHost host, HttpClient client, string url, string body, RegisteredReferral other, string mediaType = "application/json")
    {
        var ordersBefore = (await host.PendingOrdersAsync()).Count;
        var referralsBefore = (await host.Hub.Store.SearchReferralsAsync(AccessScope.Region, new ReferralQuery())).Items.Count;
        var (status, outcome, response) = await client.PostJsonAsync(url, body, mediaType);
        Assert.Equal(202, status);
        var issue = Http.AssertOutcome(outcome, "conflict");
        Assert.Contains("held for patient identity review", (string?)issue["diagnostics"], StringComparison.Ordinal);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/api/identity-conflicts/", location, StringComparison.Ordinal);
        var text = outcome!.ToJsonString();
        Assert.DoesNotContain(other.Patient.Id, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Иванова", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1980", text, StringComparison.Ordinal);
        Assert.Equal(ordersBefore, (await host.PendingOrdersAsync()).Count); // nothing goes to the lab while held
        Assert.Equal(referralsBefore, (await host.Hub.Store.SearchReferralsAsync(AccessScope.Region, new ReferralQuery())).Items.Count);
        return long.Parse(location["/api/identity-conflicts/".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Another_clinics_referral_with_the_same_snils_and_other_demographics_is_held_not_merged(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var ivanova = await IvanovaWithResultsAsync(host);
        var other = host.Client(host.OtherClinicToken);

        var id = await PostHeldAsync(host, other, "/api/referrals", Form(ivanova.Patient.Snils, externalId: "emr-9"), ivanova);

        // clinic-2 got no sight of Ivanova: not her record, not her referral, not her results, not the label.
        Assert.Equal(404, (await other.FetchAsync($"/fhir/Patient/{ivanova.Patient.Id}")).Status);
        Assert.Null((await other.FetchAsync($"/fhir/Patient?identifier={ivanova.Patient.Snils}")).Body!["entry"]);
        Assert.Null((await other.FetchAsync($"/fhir/Observation?patient={ivanova.Patient.Id}")).Body!["entry"]);
        Assert.Equal(404, (await other.FetchAsync($"/api/specimens/{ivanova.Specimens[0].Id}/label.zpl")).Status);

        // The EMR's retry is the same item, not a second one.
        Assert.Equal(id, await PostHeldAsync(host, other, "/api/referrals", Form(ivanova.Patient.Snils, externalId: "emr-9"), ivanova));

        // The queue: clinic-2 sees its own submission and nothing of Ivanova; clinic-1 does not see clinic-2's item.
        var (status, list, _) = await other.FetchAsync("/api/identity-conflicts");
        Assert.Equal(200, status);
        var item = Assert.Single(list!["items"]!.AsArray())!;
        Assert.Equal(id, (long)item["id"]!);
        Assert.Equal("open", (string?)item["status"]);
        Assert.Equal("snils", (string?)item["matchedIdentifier"]);
        Assert.Equal("Сидоров", (string?)item["patient"]!["family"]);
        Assert.DoesNotContain("Иванова", list.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ivanova.Patient.Id, list.ToJsonString(), StringComparison.Ordinal);
        var own = host.Client(host.ClinicToken);
        Assert.Empty((await own.FetchAsync("/api/identity-conflicts")).Body!["items"]!.AsArray());
        Assert.Equal(404, (await own.FetchAsync($"/api/identity-conflicts/{id}")).Status);
        Assert.Equal(404, (await own.PostJsonAsync($"/api/identity-conflicts/{id}/resolve", """{"decision": "reject"}""")).Status);

        var audit = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.OtherClinic })).Items;
        Assert.Contains(audit, e => e.Action == "hold" && e.ResourceType == "IdentityConflict" && e.ResourceId == id.ToString(System.Globalization.CultureInfo.InvariantCulture) && e.StatusCode == 202 && e.PatientId is null);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_snils_typo_from_the_same_clinic_is_held_too(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var ivanova = await IvanovaWithResultsAsync(host);
        await PostHeldAsync(host, host.Client(host.ClinicToken), "/api/referrals", Form(ivanova.Patient.Snils), ivanova);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_fhir_transaction_matching_only_an_oms_policy_is_held(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var ivanova = await IvanovaWithResultsAsync(host);
        var id = await PostHeldAsync(host, host.Client(host.OtherClinicToken), "/fhir", OmsOnlyBundle(ivanova.Patient.OmsPolicy!), ivanova, FhirJson.MediaType);
        var item = (await host.Client(host.OtherClinicToken).FetchAsync($"/api/identity-conflicts/{id}")).Body!;
        Assert.Equal("oms", (string?)item["matchedIdentifier"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Agreeing_demographics_written_differently_still_match(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var ivanova = await IvanovaWithResultsAsync(host);
        var (status, receipt, _) = await host.Client(host.OtherClinicToken).PostJsonAsync("/api/referrals", new JsonObject
        {
            ["patient"] = new JsonObject { ["snils"] = ivanova.Patient.Snils, ["family"] = "ИВАНОВА", ["given"] = "мария", ["sex"] = "female", ["birthDate"] = "1980-03-14" },
            ["practitioner"] = "Смирнова О. В.",
            ["tests"] = new JsonArray("GLU"),
            ["performingLab"] = TestHub.Lab,
        }.ToJsonString());
        Assert.Equal(201, status);
        Assert.Equal(ivanova.Patient.Id, (string?)receipt!["patientId"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Different_person_makes_a_new_record_that_later_referrals_match(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var ivanova = await IvanovaWithResultsAsync(host);
        var other = host.Client(host.OtherClinicToken);
        var id = await PostHeldAsync(host, other, "/api/referrals", Form(ivanova.Patient.Snils), ivanova);

        Assert.Equal(422, (await other.PostJsonAsync($"/api/identity-conflicts/{id}/resolve", """{"decision": "merge"}""")).Status);
        var (status, item, _) = await other.PostJsonAsync($"/api/identity-conflicts/{id}/resolve", """{"decision": "different-person", "note": "checked the passport"}""");
        Assert.Equal(200, status);
        Assert.Equal("different-person", (string?)item!["status"]);
        var receipt = item["receipt"]!;
        var sidorovId = (string)receipt["patientId"]!;
        Assert.NotEqual(ivanova.Patient.Id, sidorovId);
        var barcode = (string)receipt["specimens"]![0]!["barcode"]!;
        Assert.Contains(await host.PendingOrdersAsync(), o => o.SpecimenId == barcode && o.Action == "upsert");
        Assert.Equal(1, host.OrderSignal.Wakes);
        Assert.Contains("СИДОРОВ", await (await other.GetAsync(new Uri($"/api/specimens/{barcode}/label.zpl", UriKind.Relative))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await other.FetchAsync($"/fhir/Observation?patient={ivanova.Patient.Id}")).Body!["entry"]);

        // Resolved once only; the next referral for either person goes to the right record without a hold.
        Assert.Equal(422, (await other.PostJsonAsync($"/api/identity-conflicts/{id}/resolve", """{"decision": "reject"}""")).Status);
        var (again, second, _) = await other.PostJsonAsync("/api/referrals", Form(ivanova.Patient.Snils));
        Assert.Equal(201, again);
        Assert.Equal(sidorovId, (string?)second!["patientId"]);
        Assert.Equal(ivanova.Patient.Id, (await host.Hub.RegisterAsync(["GLU"])).Patient.Id);

        var audit = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.OtherClinic })).Items;
        Assert.Contains(audit, e => e.Action == "resolve" && e.ResourceType == "IdentityConflict" && e.StatusCode == 200 && e.PatientId == sidorovId);
        Assert.Contains(audit, e => e.Action == "resolve" && e.ResourceType == "IdentityConflict" && e.StatusCode == 422);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Same_person_attaches_and_corrects_and_reject_registers_nothing(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var ivanova = await IvanovaWithResultsAsync(host);
        var own = host.Client(host.ClinicToken);
        // Her married name: the registered record is out of date.
        var married = Form(ivanova.Patient.Snils, family: "Кузнецова", birthDate: "1980-03-14").Replace("Алексей", "Мария", StringComparison.Ordinal).Replace("\"male\"", "\"female\"", StringComparison.Ordinal);
        var id = await PostHeldAsync(host, own, "/api/referrals", married, ivanova);
        var (status, item, _) = await own.PostJsonAsync($"/api/identity-conflicts/{id}/resolve", """{"decision": "same-person", "correct": {"family": "Кузнецова"}}""");
        Assert.Equal(200, status);
        Assert.Equal(ivanova.Patient.Id, (string?)item!["receipt"]!["patientId"]);
        Assert.Equal("Кузнецова", (await host.Hub.Store.GetPatientAsync(AccessScope.Region, ivanova.Patient.Id))!.FamilyName);

        var rejected = await PostHeldAsync(host, own, "/api/referrals", Form(ivanova.Patient.Snils), ivanova);
        var (st, body, _) = await own.PostJsonAsync($"/api/identity-conflicts/{rejected}/resolve", """{"decision": "reject"}""");
        Assert.Equal(200, st);
        Assert.Equal("rejected", (string?)body!["status"]);
        Assert.Null(body["receipt"]);
        Assert.Equal(2, (await host.Hub.Store.SearchReferralsAsync(AccessScope.Region, new ReferralQuery())).Items.Count);
    }
}
