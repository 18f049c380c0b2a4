using System.Net.Http.Headers;
using System.Text;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fhir;

/// <summary>Issue 9 items 6 and 9 (API parts): inputs that were 500s or were silently ignored become precise 4xx answers.</summary>
public sealed class InputHardeningTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static readonly string[] Prefixes = ["eq", "ne", "lt", "gt", "le", "ge", "sa", "eb", "ap"];
    private static readonly string[] Year9999 = ["9999", "9999-12", "9999-12-31", "9999-12-31T23:59:59Z"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Year_9999_dates_in_every_prefix_and_precision_are_400_naming_the_parameter(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);
        foreach (var parameter in new[] { "date", "_lastUpdated" })
        {
            foreach (var prefix in Prefixes)
            {
                foreach (var value in Year9999)
                {
                    var url = $"/fhir/Observation?{parameter}={prefix}{Uri.EscapeDataString(value)}";
                    var (status, outcome, _) = await client.FetchAsync(url);
                    Assert.True(status == 400, $"{url}: {status}");
                    Assert.Equal(parameter, (string?)outcome!["issue"]![0]!["expression"]![0]);
                }
            }
        }
        // The last year that fits still searches (nothing is stored there).
        var (ok, bundle, _) = await client.FetchAsync("/fhir/Observation?date=ge9999-06-01&_lastUpdated=lt9999-12-31T23:59:58Z");
        Assert.True(ok == 200, bundle?.ToJsonString());
        Assert.Equal(0, (int?)bundle!["total"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_null_entry_or_null_list_items_in_a_transaction_are_400_naming_them_and_nothing_is_stored(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);
        var (status, outcome, _) = await client.PostJsonAsync("/fhir", """{"resourceType":"Bundle","type":"transaction","entry":[null]}""", FhirJson.MediaType);
        Assert.Equal(400, status);
        Assert.Equal("Bundle.entry[0]", (string?)Http.AssertOutcome(outcome, "structure")["expression"]![0]);

        // bench/fuzz fhir-transaction findings (name:[null], coding:[null] were 500s) and their kin: every list of the
        // Bundle refuses a null item at the JSON layer, wherever it is, with its FHIRPath.
        var valid = Transaction(Snils.Complete("556677889"));
        foreach (var (list, expression) in new[]
        {
            ("\"name\": [", "Bundle.entry[0].resource.name[0]"),
            ("\"identifier\": [", "Bundle.entry[0].resource.identifier[0]"),
            ("\"given\": [", "Bundle.entry[0].resource.name[0].given[0]"),
            ("\"coding\": [", "Bundle.entry[1].resource.code.coding[0]"),
            ("\"performer\": [", "Bundle.entry[1].resource.performer[0]"),
        })
        {
            var body = valid.Replace(list, list + "null, ", StringComparison.Ordinal);
            var (nullStatus, nullOutcome, _) = await client.PostJsonAsync("/fhir", body, FhirJson.MediaType);
            Assert.True(nullStatus == 400, $"{expression}: {nullStatus} {nullOutcome?.ToJsonString()}");
            Assert.Equal(expression, (string?)Http.AssertOutcome(nullOutcome, "structure")["expression"]![0]);
        }
        Assert.Empty(await host.PendingOrdersAsync());

        // Primitive extensions (_given) may hold nulls: they are ignored, and the referral registers.
        var extended = valid.Replace("\"given\": [\"Анна\"]", "\"given\": [\"Анна\"], \"_given\": [null]", StringComparison.Ordinal);
        var (created, answer, _) = await client.PostJsonAsync("/fhir", extended, FhirJson.MediaType);
        Assert.True(created == 200, answer?.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Control_characters_and_overlong_practitioner_ids_are_refused_naming_the_field(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);
        foreach (var practitionerId in new[] { "dr\\u0000house", "tab\\there", new string('7', 5 * 1024 * 1024) })
        {
            var (status, outcome, _) = await client.PostJsonAsync("/api/referrals", Form(Snils.Complete("667788990"), $"\"practitionerId\": \"{practitionerId}\","));
            Assert.Equal(422, status);
            Assert.Equal("practitionerId", (string?)Http.AssertOutcome(outcome, "value")["expression"]![0]);
        }
        var fhir = Transaction(Snils.Complete("667788990")).Replace("\"requester\": {\"display\": \"Петров П. П.\"}",
            "\"requester\": {\"display\": \"Петров П. П.\", \"identifier\": {\"value\": \"x\\u0000y\"}}", StringComparison.Ordinal);
        var (fhirStatus, fhirOutcome, _) = await client.PostJsonAsync("/fhir", fhir, FhirJson.MediaType);
        Assert.Equal(422, fhirStatus);
        Assert.Equal("ServiceRequest.requester", (string?)Http.AssertOutcome(fhirOutcome, "value")["expression"]![0]);
        // Nothing was stored, on either database.
        Assert.Empty(await host.PendingOrdersAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Audit_filters_with_control_characters_or_overlong_values_are_400_naming_the_filter(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);
        foreach (var (query, field) in new[]
                 {
                     ("client=a%00b", "client"), ("patient=%00", "patient"), ("cursor=1%00", "cursor"), ("from=2026%00", "from"),
                     ($"patient={new string('p', 300)}", "patient"), ("client=", "client"),
                 })
        {
            var (status, outcome, _) = await client.FetchAsync($"/api/audit?{query}");
            Assert.True(status == 400, $"{query}: {status}");
            Assert.Equal(field, (string?)outcome!["issue"]![0]!["expression"]![0]);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Unsupported_modifiers_are_400_and_unknown_parameters_are_dropped_from_self_or_refused_when_strict(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB"]);
        var client = host.Client(host.ClinicToken);
        foreach (var (url, key) in new[]
                 {
                     ("/fhir/Observation?code:not=HGB", "code:not"), ("/fhir/Observation?code:text=hemoglobin", "code:text"),
                     ("/fhir/Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|SB|1", "identifier:of-type"),
                     ("/fhir/Patient?family:exact=Иванова", "family:exact"), ("/fhir/Observation?patient:Patient=x", "patient:Patient"),
                 })
        {
            var (status, outcome, _) = await client.FetchAsync(url);
            Assert.True(status == 400, $"{url}: {status}");
            Assert.Equal(key, (string?)Http.AssertOutcome(outcome, "not-supported")["expression"]![0]);
        }

        var (lenient, bundle, _) = await client.FetchAsync($"/fhir/Specimen?patient={reg.Patient.Id}&colour=red&_count=5");
        Assert.Equal(200, lenient);
        var self = (string)bundle!["link"]!.AsArray().Single(l => (string?)l!["relation"] == "self")!["url"]!;
        Assert.EndsWith($"/fhir/Specimen?patient={reg.Patient.Id}&_count=5", self, StringComparison.Ordinal);
        Assert.Equal(reg.Specimens.Count, (int?)bundle["total"]);

        using var strict = new HttpRequestMessage(HttpMethod.Get, new Uri($"/fhir/Specimen?patient={reg.Patient.Id}&colour=red", UriKind.Relative));
        strict.Headers.Add("Prefer", "handling=strict");
        var refused = await client.SendAsync(strict);
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("colour", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Api_bodies_need_application_json(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);
        var form = Form(Snils.Complete("778899001"));
        foreach (var contentType in new string?[] { null, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/jsonx" })
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(form));
            if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            var response = await client.PostAsync(new Uri("/api/referrals", UriKind.Relative), content);
            Assert.True((int)response.StatusCode == 415, $"{contentType ?? "(none)"}: {(int)response.StatusCode}");
        }
        var (resolve, _, _) = await client.PostJsonAsync("/api/unmatched/1/resolve", "{}", "text/plain");
        Assert.Equal(415, resolve);
        var (created, _, _) = await client.PostJsonAsync("/api/referrals", form); // StringContent sends "application/json; charset=utf-8"
        Assert.Equal(201, created);
    }

    private static string Form(string snils, string extra = "") => $$"""
        {
          "patient": {"snils": "{{snils}}", "family": "Сидоров", "given": "Алексей", "sex": "male", "birthDate": "1955-07-02"},
          {{extra}}
          "practitioner": "Петров П. П.",
          "tests": ["HGB"],
          "performingLab": "{{TestHub.Lab}}"
        }
        """;

    private static string Transaction(string snils) => $$$"""
        {
          "resourceType": "Bundle", "type": "transaction",
          "entry": [
            {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-000000000001",
             "resource": {"resourceType": "Patient",
               "identifier": [{"system": "urn:oid:1.2.643.2.69.1.1.1.6.223", "value": "{{{snils}}}"}],
               "name": [{"use": "official", "family": "Кузнецова", "given": ["Анна"]}],
               "gender": "female", "birthDate": "1992-05-30"},
             "request": {"method": "POST", "url": "Patient"}},
            {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-000000000002",
             "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
               "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
               "subject": {"reference": "urn:uuid:5c1b7a52-0000-4000-8000-000000000001"},
               "requester": {"display": "Петров П. П."},
               "performer": [{"identifier": {"system": "urn:edgelab:organization", "value": "{{{TestHub.Lab}}}"}}]},
             "request": {"method": "POST", "url": "ServiceRequest"}}
          ]
        }
        """;
}
