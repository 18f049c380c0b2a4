using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fhir;

public sealed class TransactionBundleTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static string Bundle(string snils, string type = "transaction") => $$$"""
        {
          "resourceType": "Bundle", "type": "{{{type}}}",
          "entry": [
            {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-000000000001",
             "resource": {"resourceType": "Patient",
               "identifier": [{"system": "urn:oid:1.2.643.2.69.1.1.1.6.223", "value": "{{{snils}}}"}],
               "name": [{"use": "official", "family": "Кузнецова", "given": ["Анна", "Викторовна"]}],
               "gender": "female", "birthDate": "1992-05-30"},
             "request": {"method": "POST", "url": "Patient"}},
            {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-000000000002",
             "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
               "requisition": {"system": "urn:emr:referral", "value": "EMR-2026-0042"},
               "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
               "subject": {"reference": "urn:uuid:5c1b7a52-0000-4000-8000-000000000001"},
               "requester": {"display": "Петров П. П."},
               "performer": [{"identifier": {"system": "urn:edgelab:organization", "value": "{{{TestHub.Lab}}}"}}]},
             "request": {"method": "POST", "url": "ServiceRequest"}},
            {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-000000000003",
             "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
               "code": {"coding": [{"system": "urn:edgelab:catalog", "code": "GLU"}]},
               "subject": {"reference": "urn:uuid:5c1b7a52-0000-4000-8000-000000000001"},
               "requester": {"display": "Петров П. П."},
               "performer": [{"reference": "Organization/{{{TestHub.Lab}}}"}]},
             "request": {"method": "POST", "url": "ServiceRequest"}}
          ]
        }
        """;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Transaction_registers_the_referral_and_returns_patient_requests_and_specimens(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var (status, response, http) = await host.Client(host.ClinicToken).PostJsonAsync("/fhir", Bundle(Snils.Complete("334455667")), FhirJson.MediaType);

        Assert.Equal(200, status);
        Assert.Equal(FhirJson.MediaType, http.Content.Headers.ContentType?.MediaType);
        Assert.Equal("transaction-response", (string?)response!["type"]);
        Http.AssertNoNullsOrEmpties(response);
        var entries = response["entry"]!.AsArray();
        Assert.Equal(["Patient", "ServiceRequest", "ServiceRequest", "Specimen", "Specimen"], entries.Select(e => (string?)e!["resource"]!["resourceType"]));
        Assert.All(entries, e => Assert.Equal("201 Created", (string?)e!["response"]!["status"]));
        var patientId = (string)entries[0]!["resource"]!["id"]!;
        Assert.Equal($"Patient/{patientId}", (string?)entries[1]!["resource"]!["subject"]!["reference"]);
        Assert.Contains("http://loinc.org|718-7", ObservationApiTests.Codes(entries[1]!["resource"]!["code"]));
        Assert.Equal("order", (string?)entries[1]!["resource"]!["intent"]);
        var barcodes = entries.Skip(3).Select(e => (string)e!["resource"]!["accessionIdentifier"]!["value"]!).ToList();
        Assert.All(barcodes, b => Assert.Matches("^[0-9]+$", b));
        var orders = await host.PendingOrdersAsync();
        Assert.Equal(barcodes.Order(), orders.Select(o => o.SpecimenId).Order());
        var referralId = Assert.Single(orders.Select(o => o.ReferralId).Distinct());
        Assert.Equal("EMR-2026-0042", (await host.Hub.Store.GetReferralAsync(AccessScope.Region, referralId))!.ExternalId);

        var (found, bundle, _) = await host.Client(host.ClinicToken).FetchAsync($"/fhir/Specimen?identifier=urn:edgelab:specimen-barcode|{barcodes[0]}");
        Assert.Equal(200, found);
        Assert.Single(bundle!["entry"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bad_snils_in_the_patient_is_422_at_patient_identifier(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var (status, outcome, _) = await host.Client(host.ClinicToken).PostJsonAsync("/fhir", Bundle("12345678900"), FhirJson.MediaType);
        Assert.Equal(422, status);
        Assert.Equal("Patient.identifier", (string?)Http.AssertOutcome(outcome, "value")["expression"]![0]);
        Assert.Empty(await host.PendingOrdersAsync());
    }

    public static TheoryData<string, string, string> MalformedBodies
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var provider in new[] { "sqlite", "postgres" })
            {
                data.Add(provider, "not json at all", "structure");
                data.Add(provider, "{\"resourceType\": \"Practitioner\"}", "not-supported");
                data.Add(provider, "{\"resourceType\": \"Patient\"}", "not-supported");
                data.Add(provider, "{\"resourceType\": \"Bundle\", \"type\": \"transaction\"}", "required");
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_or_wrong_bodies_are_400(string provider, string body, string issueCode)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var (status, outcome, _) = await host.Client(host.ClinicToken).PostJsonAsync("/fhir", body, FhirJson.MediaType);
        Assert.Equal(400, status);
        Http.AssertOutcome(outcome, issueCode);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Batch_bundles_are_refused(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var (status, outcome, _) = await host.Client(host.ClinicToken).PostJsonAsync("/fhir", Bundle(Snils.Complete("334455667"), "batch"), FhirJson.MediaType);
        Assert.Equal(400, status);
        Assert.Equal("Bundle.type", (string?)Http.AssertOutcome(outcome, "not-supported")["expression"]![0]);
    }
}
