using System.Text.Json.Nodes;
using EdgeLab.Hub.Fhir.Search;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fhir;

/// <summary>Read and search of Patient, ServiceRequest, Specimen and DiagnosticReport, with R4 required elements checked.</summary>
public sealed class ResourceSearchTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Each_resource_type_reads_and_searches_with_required_elements(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var barcode = reg.Specimens.Single().Id;
        var client = host.Client(host.ClinicToken);

        async Task<JsonNode> One(string url)
        {
            var (status, bundle, _) = await client.FetchAsync(url);
            Assert.True(status == 200, url);
            Http.AssertNoNullsOrEmpties(bundle);
            return Assert.Single(bundle!["entry"]!.AsArray())!["resource"]!;
        }

        var patient = await One($"/fhir/Patient?identifier=urn:oid:1.2.643.2.69.1.1.1.6.223|{reg.Patient.Snils}");
        Assert.Equal(reg.Patient.Id, (string?)patient["id"]);
        Assert.Equal("female", (string?)patient["gender"]);
        Assert.Equal("1980-03-14", (string?)patient["birthDate"]);
        Assert.Equal("Иванова", (string?)patient["name"]![0]!["family"]);
        Assert.Contains(patient["identifier"]!.AsArray(), i => (string?)i!["system"] == "urn:oid:1.2.643.2.69.1.1.1.6.228");
        Assert.Equal(reg.Patient.Id, (string?)(await One($"/fhir/Patient?_id={reg.Patient.Id}"))["id"]);
        Assert.Equal(reg.Patient.Id, (string?)(await One("/fhir/Patient?family=Иван&birthdate=1980-03-14"))["id"]);

        var specimen = await One($"/fhir/Specimen?identifier={barcode}");
        Assert.Equal(barcode, (string?)specimen["accessionIdentifier"]!["value"]);
        Assert.Equal("available", (string?)specimen["status"]);
        Assert.Equal(3, specimen["request"]!.AsArray().Count);

        var (srStatus, requests, _) = await client.FetchAsync($"/fhir/ServiceRequest?patient=Patient/{reg.Patient.Id}&status=active");
        Assert.Equal(200, srStatus);
        var srs = requests!["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();
        Assert.Equal(3, srs.Count);
        Assert.All(srs, sr =>
        {
            Assert.Equal("active", (string?)sr["status"]);
            Assert.Equal("order", (string?)sr["intent"]);
            Assert.Equal(reg.Referral.Id, (string?)sr["requisition"]!["value"]);
            Assert.Equal($"Specimen/{barcode}", (string?)sr["specimen"]![0]!["reference"]);
        });
        var hgb = (await client.FetchAsync($"/fhir/ServiceRequest/{reg.Referral.Id}.HGB")).Body!;
        Assert.Equal($"{reg.Referral.Id}.HGB", (string?)hgb["id"]);
        Assert.Equal(404, (await client.FetchAsync($"/fhir/ServiceRequest/{reg.Referral.Id}.GLU")).Status);
        Assert.Equal(3, (await client.FetchAsync($"/fhir/ServiceRequest?requisition={reg.Referral.Id}")).Body!["entry"]!.AsArray().Count);

        var report = await One($"/fhir/DiagnosticReport?patient={reg.Patient.Id}&status=registered");
        Assert.Equal("registered", (string?)report["status"]);
        Assert.Contains("http://terminology.hl7.org/CodeSystem/v2-0074|LAB", ObservationApiTests.Codes(report["category"]![0]));
        Assert.Contains("http://loinc.org|11502-2", ObservationApiTests.Codes(report["code"]));
        Assert.Null((await client.FetchAsync($"/fhir/DiagnosticReport?patient={reg.Patient.Id}&status=final")).Body!["entry"]);
        Assert.Equal(400, (await client.FetchAsync("/fhir/DiagnosticReport?status=done")).Status);
        Assert.Equal(200, (await client.FetchAsync($"/fhir/DiagnosticReport/{(string?)report["id"]}")).Status);

        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, barcode))]);
        var final = await One($"/fhir/DiagnosticReport?patient={reg.Patient.Id}&status=final");
        Assert.Equal(3, final["result"]!.AsArray().Count);
        Assert.NotNull((string?)final["issued"]);

        Assert.Equal(400, (await client.FetchAsync("/fhir/Patient?identifier=http://example.org|1")).Status);
        Assert.Equal(400, (await client.FetchAsync("/fhir/Specimen?identifier=http://example.org|1")).Status);
        Assert.Equal(400, (await client.FetchAsync("/fhir/Patient?birthdate=14.03.1980")).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Patient_names_match_as_literal_case_insensitive_prefixes(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var ivanova = await host.Hub.RegisterAsync(["HGB"]);
        await host.Hub.RegisterAsync(["HGB"], Patients.Sidorov);
        var semenova = await host.Hub.RegisterAsync(["HGB"], Patients.Ivanova with { Snils = Snils.Complete("334455667"), OmsPolicy = null, FamilyName = "Семёнова", GivenName = "Ольга" });
        var client = host.Client(host.ClinicToken);
        async Task<List<string>> IdsAsync(string query)
        {
            var (status, bundle, _) = await client.FetchAsync($"/fhir/Patient?{query}");
            Assert.True(status == 200, $"{query}: {status}");
            return bundle!["entry"]?.AsArray().Select(e => (string)e!["resource"]!["id"]!).ToList() ?? [];
        }

        Assert.Equal([ivanova.Patient.Id], await IdsAsync("family=ИВАН"));
        Assert.Equal([ivanova.Patient.Id], await IdsAsync("family=иванова&given=МАР"));
        Assert.Equal([semenova.Patient.Id], await IdsAsync("family=Семенова")); // ё and е are one letter in search
        Assert.Equal([semenova.Patient.Id], await IdsAsync("family=СЕМЁ"));
        // LIKE's wildcards and PostgreSQL's default escape character are plain letters in a name.
        foreach (var literal in new[] { "%25", "_", "%5F%5F", "%5C", "Иван%5C", "%25ова" })
            Assert.Empty(await IdsAsync($"family={literal}"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Control_characters_in_search_values_are_400_naming_the_parameter(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);
        foreach (var (url, parameter) in new[]
                 {
                     ("/fhir/Patient?family=%00", "family"), ("/fhir/Patient?given=a%01b", "given"), ("/fhir/Specimen?identifier=1%00", "identifier"),
                     ("/fhir/Observation?code=HGB%00", "code"), ("/fhir/Patient?_cursor=%00", "_cursor"), ("/fhir/ServiceRequest?requisition=%00", "requisition"),
                 })
        {
            var (status, outcome, _) = await client.FetchAsync(url);
            Assert.True(status == 400, $"{url}: {status}");
            Assert.Equal(parameter, (string?)Http.AssertOutcome(outcome, "value")["expression"]![0]);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_resource_search_pages_through_all_matches_once(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);
        var regs = new List<RegisteredReferral>();
        for (var i = 0; i < 3; i++) regs.Add(await host.Hub.RegisterAsync(["HGB", "GLU"], externalId: $"emr-{i}"));
        var patient = regs[0].Patient.Id;
        await host.Hub.RegisterAsync(["HGB"], Patients.Sidorov);

        // A referral's ServiceRequests (one per test) come together on its page.
        async Task<List<string>> AllPagesAsync(string url, int perPage = 1)
        {
            var ids = new List<string>();
            for (var pages = 1; url is not null; pages++)
            {
                Assert.True(pages <= 20, $"paging does not end: {url}");
                var (status, bundle, _) = await client.FetchAsync(url);
                Assert.True(status == 200, $"{url}: {status}");
                var entries = bundle!["entry"]?.AsArray() ?? [];
                Assert.True(entries.Count <= perPage, url);
                ids.AddRange(entries.Select(e => $"{(string)e!["resource"]!["resourceType"]!}/{(string)e["resource"]!["id"]!}"));
                var next = bundle["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next");
                url = next is null ? null! : new Uri((string)next["url"]!).PathAndQuery;
            }
            Assert.Equal(ids.Count, ids.Distinct().Count());
            return ids;
        }

        Assert.Equal([$"Patient/{patient}"], await AllPagesAsync("/fhir/Patient?birthdate=1980-03-14&_count=1"));
        Assert.Equal(2, (await AllPagesAsync("/fhir/Patient?_count=1")).Count);
        Assert.Equal(6, (await AllPagesAsync($"/fhir/Specimen?patient={patient}&_count=1")).Count); // EDTA blood and serum per referral
        var referralPages = await AllPagesAsync($"/fhir/ServiceRequest?patient={patient}&_count=1", perPage: 2);
        Assert.Equal(regs.SelectMany(r => new[] { $"ServiceRequest/{r.Referral.Id}.HGB", $"ServiceRequest/{r.Referral.Id}.GLU" }).Order(), referralPages.Order());
        Assert.Equal(3, (await AllPagesAsync($"/fhir/DiagnosticReport?patient={patient}&_count=1")).Count);
    }

    [Theory]
    [InlineData("2026", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("2026-02", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")]
    [InlineData("eq2026-02-28", "2026-02-28T00:00:00Z", "2026-03-01T00:00:00Z")]
    [InlineData("ge2026-02-28", "2026-02-28T00:00:00Z", null)]
    [InlineData("gt2026-02-28", "2026-03-01T00:00:00Z", null)]
    [InlineData("lt2026-02-28", null, "2026-02-28T00:00:00Z")]
    [InlineData("le2026-02-28", null, "2026-03-01T00:00:00Z")]
    [InlineData("ge2026-02-28T10:15:00+03:00", "2026-02-28T07:15:00Z", null)]
    [InlineData("2026-02-28T10:15", "2026-02-28T10:15:00Z", "2026-02-28T10:16:00Z")]
    public void Date_parameters_become_half_open_ranges(string value, string? from, string? to)
    {
        var range = DateParameter.Parse("date", [value])!.Value;
        Assert.Equal(from is null ? null : DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), range.From);
        Assert.Equal(to is null ? null : DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture), range.To);
    }
}
