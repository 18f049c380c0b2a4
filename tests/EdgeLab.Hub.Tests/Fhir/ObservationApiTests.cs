using System.Text.Json.Nodes;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fhir;

/// <summary>Observation read and search over HTTP, with results written by the real ingest writer.</summary>
public sealed class ObservationApiTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static async Task<(ApiTestHost Host, RegisteredReferral Referral)> SeededAsync(string provider)
    {
        var host = await ApiTestHost.StartAsync(provider);
        var referral = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, referral.Specimens.Single().Id, hgb: "10.5"))]);
        await host.Hub.ReleaseHeldAsync(); // HGB 105 g/L was held by autoverification; a lab doctor released it (issue 13)
        return (host, referral);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_by_patient_returns_valid_laboratory_observations(string provider)
    {
        var (host, reg) = await SeededAsync(provider);
        await using var _ = host;
        var (status, bundle, response) = await host.Client(host.ClinicToken).FetchAsync($"/fhir/Observation?patient={reg.Patient.Id}&category=laboratory");

        Assert.Equal(200, status);
        Assert.Equal(FhirJson.MediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bundle", (string?)bundle!["resourceType"]);
        Assert.Equal("searchset", (string?)bundle["type"]);
        Assert.Equal(3, (int?)bundle["total"]);
        Http.AssertNoNullsOrEmpties(bundle);
        var hgb = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => Codes(r["code"]).Contains("http://loinc.org|718-7"));
        Assert.Equal("final", (string?)hgb["status"]);
        Assert.Equal($"Patient/{reg.Patient.Id}", (string?)hgb["subject"]!["reference"]);
        Assert.Contains("http://terminology.hl7.org/CodeSystem/observation-category|laboratory", Codes(hgb["category"]![0]));
        Assert.Contains("urn:oid:1.2.643.5.1.13.13.11.1080", Codes(hgb["code"]).Select(c => c.Split('|')[0]));
        Assert.Equal(105m, (decimal?)hgb["valueQuantity"]!["value"]);
        Assert.Equal("http://unitsofmeasure.org", (string?)hgb["valueQuantity"]!["system"]);
        Assert.Equal("g/L", (string?)hgb["valueQuantity"]!["code"]);
        Assert.Equal("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation|L", Codes(hgb["interpretation"]![0]).Single());
        Assert.Equal(120m, (decimal?)hgb["referenceRange"]![0]!["low"]!["value"]);
        Assert.Equal($"Specimen/{reg.Specimens.Single().Id}", (string?)hgb["specimen"]!["reference"]);
        Assert.Equal($"ServiceRequest/{reg.Referral.Id}.HGB", (string?)hgb["basedOn"]![0]!["reference"]);
        Assert.StartsWith("http://localhost/fhir/Observation/", (string?)bundle["entry"]![0]!["fullUrl"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Read_returns_the_observation_and_unknown_ids_are_404_outcomes(string provider)
    {
        var (host, reg) = await SeededAsync(provider);
        await using var _ = host;
        var client = host.Client(host.ClinicToken);
        var id = (await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { PatientId = reg.Patient.Id })).Items[0].Id;

        var (status, observation, response) = await client.FetchAsync($"/fhir/Observation/{id}");
        Assert.Equal(200, status);
        Assert.Equal("Observation", (string?)observation!["resourceType"]);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)observation["id"]);
        Assert.NotNull(response.Content.Headers.LastModified);
        Http.AssertNoNullsOrEmpties(observation);

        var (missing, outcome, _) = await client.FetchAsync("/fhir/Observation/987654321");
        Assert.Equal(404, missing);
        Http.AssertOutcome(outcome, "not-found");
        var (bad, _, _) = await client.FetchAsync("/fhir/Observation/not-a-number");
        Assert.Equal(404, bad);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Code_filters_by_loinc_catalog_and_fsli(string provider)
    {
        var (host, reg) = await SeededAsync(provider);
        await using var _ = host;
        var client = host.Client(host.ClinicToken);
        var fsli = host.Hub.Catalog.Find("HGB")!.Fsli!;
        foreach (var code in new[] { "http://loinc.org|718-7", "718-7", "HGB", "urn:edgelab:catalog|HGB", $"urn:oid:1.2.643.5.1.13.13.11.1080|{fsli}" })
        {
            var (status, bundle, _) = await client.FetchAsync($"/fhir/Observation?patient={reg.Patient.Id}&code={Uri.EscapeDataString(code)}");
            Assert.Equal(200, status);
            var entry = Assert.Single(bundle!["entry"]!.AsArray());
            Assert.Contains("http://loinc.org|718-7", Codes(entry!["resource"]!["code"]));
        }
        var (two, both, _) = await client.FetchAsync($"/fhir/Observation?patient={reg.Patient.Id}&code=718-7,WBC");
        Assert.Equal(2, both!["entry"]!.AsArray().Count);
        var (unknownSystem, outcome, _) = await client.FetchAsync($"/fhir/Observation?code={Uri.EscapeDataString("http://snomed.info/sct|1")}");
        Assert.Equal(400, unknownSystem);
        Assert.Equal("code", (string?)Http.AssertOutcome(outcome, "value")["expression"]![0]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Date_and_last_updated_filter_by_effective_and_stored_time(string provider)
    {
        var (host, reg) = await SeededAsync(provider);
        await using var _ = host;
        var client = host.Client(host.ClinicToken);
        async Task<int> CountAsync(string query) =>
            (await client.FetchAsync($"/fhir/Observation?patient={reg.Patient.Id}&{query}")).Body!["entry"]?.AsArray().Count ?? 0;

        // Results were measured at 2026-11-21T08:30Z (Messages.At).
        Assert.Equal(3, await CountAsync("date=2026-11-21"));
        Assert.Equal(3, await CountAsync("date=ge2026-11-21T08:00:00Z&date=lt2026-11-21T09:00:00Z"));
        Assert.Equal(0, await CountAsync("date=gt2026-11-21T08:30:00Z"));
        Assert.Equal(0, await CountAsync("date=lt2026-11"));
        Assert.Equal(3, await CountAsync("date=2026"));
        Assert.Equal(3, await CountAsync("_lastUpdated=ge2026-01-01"));
        Assert.Equal(0, await CountAsync("_lastUpdated=ge2099-01-01"));
        Assert.Equal(0, await CountAsync("category=vital-signs"));

        foreach (var (query, param) in new[] { ("date=yesterday", "date"), ("date=ne2026", "date"), ("_count=0", "_count"), ("_count=abc", "_count"), ("code:not=HGB", "code:not"), ("patient=Practitioner/1", "patient") })
        {
            var (status, outcome, _) = await client.FetchAsync($"/fhir/Observation?{query}");
            Assert.Equal(400, status);
            Assert.Equal(param, (string?)outcome!["issue"]![0]!["expression"]![0]);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Paging_follows_link_next_until_the_last_page(string provider)
    {
        var (host, reg) = await SeededAsync(provider);
        await using var _ = host;
        var client = host.Client(host.ClinicToken);
        var seen = new List<string>();
        var url = $"/fhir/Observation?patient={reg.Patient.Id}&_count=1";
        var pages = 0;
        while (url is not null)
        {
            var (status, bundle, _) = await client.FetchAsync(url);
            Assert.Equal(200, status);
            pages++;
            seen.AddRange(bundle!["entry"]?.AsArray().Select(e => (string)e!["resource"]!["id"]!) ?? []);
            var links = bundle["link"]!.AsArray();
            Assert.Contains(links, l => (string?)l!["relation"] == "self");
            var next = links.FirstOrDefault(l => (string?)l!["relation"] == "next");
            if (pages == 1) Assert.Null(bundle["total"]); // not exact across pages: omitted
            url = next is null ? null : new Uri((string)next["url"]!).PathAndQuery;
            Assert.True(pages <= 4, "paging does not end");
        }
        Assert.Equal(3, seen.Count);
        Assert.Equal(3, seen.Distinct().Count());

        var (badCursor, outcome, _) = await client.FetchAsync($"/fhir/DiagnosticReport?_cursor=%%%");
        Assert.Equal(400, badCursor);
        Http.AssertOutcome(outcome, "value");
    }

    internal static IReadOnlyList<string> Codes(JsonNode? concept) =>
        concept?["coding"]?.AsArray().Select(c => $"{(string?)c!["system"]}|{(string?)c["code"]}").ToList() ?? [];
}
