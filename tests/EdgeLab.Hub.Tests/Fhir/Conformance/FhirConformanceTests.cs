using System.Text.Json.Nodes;
using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fhir.Conformance;

/// <summary>
/// The README promises "every resource valid against the FHIR R4 specification": a real validator
/// (<see cref="FhirValidator"/>, tests/fhir-validator) checks every kind of payload the API answers, over a realistic
/// data set, and each error is listed with its payload and path.
/// </summary>
public sealed class FhirConformanceTests
{
    private static readonly DateTimeOffset At = Messages.At;

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_payload_the_api_returns_is_valid_fhir_r4(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var seed = await SeedAsync(host);
        var payloads = new List<(string Label, JsonNode Resource)>();
        var clinic = host.Client(host.ClinicToken);

        async Task<JsonNode> Take(string label, HttpClient client, string url, int expected)
        {
            var (status, body, _) = await client.FetchAsync(url);
            Assert.True(status == expected, $"{label}: GET {url} answered {status}, expected {expected}");
            Assert.NotNull(body);
            payloads.Add((label, body));
            return body;
        }

        await Take("metadata", host.Client(null), "/fhir/metadata", 200);

        await Take("Patient read", clinic, $"/fhir/Patient/{seed.Blood.Patient.Id}", 200);
        await Take("ServiceRequest read", clinic, $"/fhir/ServiceRequest/{seed.Blood.Referral.Id}.HGB", 200);
        foreach (var specimen in seed.Blood.Specimens.Concat(seed.Mixed.Specimens).Concat(seed.Recheck.Specimens))
            await Take($"Specimen read {specimen.Id}", clinic, $"/fhir/Specimen/{specimen.Id}", 200);

        var observations = await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { PatientId = seed.Blood.Patient.Id, Count = 100, IncludeSuperseded = true });
        Assert.True(observations.Items.Count >= 7, $"the data set made {observations.Items.Count} observations");
        foreach (var o in observations.Items)
        {
            var observation = await Take($"Observation read {o.CatalogCode} {o.Status}", clinic, $"/fhir/Observation/{o.Id}", 200);
            if (o.CatalogCode == "GLU")
            {
                // "<1.1" from the analyzer is a Quantity with a comparator, not text.
                Assert.Equal("<", (string?)observation["valueQuantity"]?["comparator"]);
                Assert.Equal(1.1m, (decimal?)observation["valueQuantity"]?["value"]);
            }
            if (o.Status == ResultStatus.Cancelled) Assert.NotNull(observation["dataAbsentReason"]);
        }
        Assert.Contains(observations.Items, o => o.Status == ResultStatus.Cancelled);
        Assert.Contains(observations.Items, o => o.Status == ResultStatus.Corrected);
        Assert.Contains(observations.Items, o => !o.IsCurrent);

        var reports = await Take("DiagnosticReport search", clinic, $"/fhir/DiagnosticReport?patient={seed.Blood.Patient.Id}", 200);
        var reportStatuses = new HashSet<string>();
        foreach (var entry in reports["entry"]!.AsArray())
        {
            var report = await Take($"DiagnosticReport read {(string?)entry!["resource"]!["status"]}", clinic, $"/fhir/DiagnosticReport/{(string?)entry["resource"]!["id"]}", 200);
            reportStatuses.Add((string)report["status"]!);
        }
        Assert.Superset(new HashSet<string> { "final", "partial", "amended" }, reportStatuses);

        // A result waiting for validation (issue 13): Observation preliminary with a note, DiagnosticReport partial.
        var waiting = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"], Patients.Sidorov);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(99, waiting.Specimens.Single().Id, hgb: "10.5"))]);
        var held = (await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { ReferralId = waiting.Referral.Id })).Items.Single(o => o.CatalogCode == "HGB");
        Assert.Equal("preliminary", (string?)(await Take("Observation read held", clinic, $"/fhir/Observation/{held.Id}", 200))["status"]);
        Assert.Equal("partial", (string?)(await Take("DiagnosticReport read held", clinic, $"/fhir/DiagnosticReport/{waiting.Referral.Id}-{TestHub.Lab}", 200))["status"]);

        // Searchset pages: follow link[next] to the end, every page validated.
        var url = $"/fhir/Observation?patient={seed.Blood.Patient.Id}&category=laboratory&_count=3";
        for (var page = 1; url is not null; page++)
        {
            var bundle = await Take($"Observation search page {page}", clinic, url, 200);
            var next = bundle["link"]?.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next");
            url = next is null ? null : new Uri((string)next["url"]!).PathAndQuery;
            Assert.True(page < 20, "paging does not end");
            if (page == 1) Assert.NotNull(next);
        }
        await Take("Patient search", clinic, $"/fhir/Patient?_id={seed.Blood.Patient.Id}", 200);
        await Take("ServiceRequest search", clinic, $"/fhir/ServiceRequest?patient={seed.Blood.Patient.Id}&_count=2", 200);
        var ordered = await Take("ServiceRequest search by requisition", clinic, $"/fhir/ServiceRequest?requisition={seed.Mixed.Referral.Id}", 200);
        // A catalog code an id cannot hold (NEUT%) is escaped, not dropped: every ordered test has its ServiceRequest.
        Assert.Equal(4, ordered["entry"]!.AsArray().Count);
        await Take("ServiceRequest read NEUT%", clinic, $"/fhir/ServiceRequest/{seed.Mixed.Referral.Id}.NEUT.25", 200);
        await Take("Specimen search", clinic, $"/fhir/Specimen?patient={seed.Blood.Patient.Id}", 200);
        await Take("empty search", clinic, "/fhir/Observation?patient=no-such-patient", 200);

        var (created, transaction, _) = await clinic.PostJsonAsync("/fhir", TransactionBundle(Snils.Complete("334455667")), FhirJson.MediaType);
        Assert.Equal(200, created);
        payloads.Add(("transaction-response", transaction!));
        var (repeated, again, _) = await clinic.PostJsonAsync("/fhir", TransactionBundle(Snils.Complete("334455667")), FhirJson.MediaType);
        Assert.Equal(200, repeated);
        payloads.Add(("transaction-response (repeat)", again!));

        await Take("400 unsupported search modifier", clinic, $"/fhir/Observation?patient={seed.Blood.Patient.Id}&code:not=HGB", 400);
        await Take("200 unknown search parameter ignored (lenient)", clinic, $"/fhir/Observation?patient={seed.Blood.Patient.Id}&colour=red", 200);
        await Take("400 bad date", clinic, $"/fhir/Observation?patient={seed.Blood.Patient.Id}&date=yesterday", 400);
        await Take("401 no token", host.Client(null), $"/fhir/Patient/{seed.Blood.Patient.Id}", 401);
        await Take("401 unknown token", host.Client("not-a-token"), $"/fhir/Patient/{seed.Blood.Patient.Id}", 401);
        await Take("403 missing scope", host.Client(host.PatientOnlyToken), $"/fhir/Observation?patient={seed.Blood.Patient.Id}", 403);
        await Take("404 unknown id", clinic, "/fhir/Observation/987654321", 404);
        await Take("404 other organization", host.Client(host.OtherClinicToken), $"/fhir/Patient/{seed.Blood.Patient.Id}", 404);
        var (unprocessable, outcome422, _) = await clinic.PostJsonAsync("/fhir", TransactionBundle("12345678900"), FhirJson.MediaType);
        Assert.Equal(422, unprocessable);
        payloads.Add(("422 bad SNILS", outcome422!));
        var (badBody, outcome400, _) = await clinic.PostJsonAsync("/fhir", "not json at all", FhirJson.MediaType);
        Assert.Equal(400, badBody);
        payloads.Add(("400 unparseable body", outcome400!));
        var (wrongType, outcome415, _) = await clinic.PostJsonAsync("/fhir", TransactionBundle(Snils.Complete("334455667")), "text/plain");
        Assert.Equal(415, wrongType);
        payloads.Add(("415 media type", outcome415!));
        var (notAllowed, outcome405, _) = await clinic.PostJsonAsync($"/fhir/Patient/{seed.Blood.Patient.Id}", "{}", FhirJson.MediaType);
        Assert.Equal(405, notAllowed);
        payloads.Add(("405 interaction", outcome405!));
        await Take("404 unknown type", clinic, "/fhir/Medication/1", 404);

        var kinds = payloads.Select(p => Kind(p.Resource)).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "CapabilityStatement", "Patient", "ServiceRequest", "Specimen", "Observation", "DiagnosticReport",
            "Bundle/searchset", "Bundle/transaction-response", "OperationOutcome",
        }, kinds);

        // Warnings too (a display that is not the code system's): the README promises valid resources, not nearly.
        var issues = await FhirValidator.ValidateAsync(payloads);
        Assert.True(issues.Count == 0,
            $"{issues.Count} FHIR R4 conformance issue(s) in {payloads.Count} payloads:\n" + string.Join("\n", issues));
    }

    /// <summary>
    /// The data set above covers a few tests; the catalog decides codes, displays, UCUM units and reference ranges of
    /// every other. Each catalog test, mapped as the API maps a stored result (one per interpretation, plus a
    /// cancelled one), must be a valid Observation too.
    /// </summary>
    [Fact]
    public async Task Every_catalog_test_maps_to_a_valid_observation()
    {
        var catalog = CatalogLoader.LoadEmbedded();
        string?[] interpretations = ["N", "L", "H", "LL", "HH", "A"];
        var payloads = new List<(string Label, JsonNode Resource)>();
        var id = 0L;
        foreach (var test in catalog.Tests)
        {
            var range = test.ReferenceRanges.FirstOrDefault();
            foreach (var (interpretation, status) in interpretations.Select(i => (i, ResultStatus.Final)).Append(((string?)null, ResultStatus.Cancelled)))
            {
                var quantity = test.ValueType == "quantity";
                var result = new LabResult
                {
                    Id = ++id,
                    SpecimenId = "00000000013",
                    ReferralId = "01a2014ced4d712d8cb79cf8578a126e",
                    PatientId = "01a2014ced467388b2c16ba582125557",
                    PerformingLabId = TestHub.Lab,
                    CatalogCode = test.Code,
                    AnalyzerCode = test.InstrumentCodes.FirstOrDefault()?.Code ?? test.Code,
                    Value = status == ResultStatus.Cancelled ? "" : quantity ? "<0.5" : test.NormalText ?? "POSITIVE",
                    Numeric = quantity && status != ResultStatus.Cancelled ? 0.5m : null,
                    Comparator = quantity ? "<" : null,
                    Unit = test.Unit,
                    ReferenceLow = range?.Low,
                    ReferenceHigh = range?.High,
                    ReferenceText = range?.Text ?? test.NormalText,
                    Interpretation = status == ResultStatus.Cancelled ? null : interpretation,
                    AnalyzerFlags = interpretation is null ? [] : [interpretation],
                    Status = status,
                    EffectiveAt = At,
                    IssuedAt = At.AddMinutes(1),
                    GatewayId = TestHub.Gateway,
                    InstrumentId = "analyzer-1",
                    MessageId = $"{TestHub.Gateway}:{id}",
                    IsCurrent = true,
                };
                var json = JsonNode.Parse(FhirJson.Serialize(ObservationMapper.ToFhir(result, catalog)))!;
                payloads.Add(($"{test.Code} {interpretation ?? "cancelled"}", json));
            }
        }

        var issues = await FhirValidator.ValidateAsync(payloads);
        Assert.True(issues.Count == 0,
            $"{issues.Count} FHIR R4 conformance issue(s) in {payloads.Count} catalog observations:\n" + string.Join("\n", issues));
    }

    private static string Kind(JsonNode resource) =>
        (string)resource["resourceType"]! is "Bundle" ? $"Bundle/{(string?)resource["type"]}" : (string)resource["resourceType"]!;

    private sealed record Seed(RegisteredReferral Blood, RegisteredReferral Mixed, RegisteredReferral Recheck);

    /// <summary>
    /// One patient, three referrals: a blood count, all final, and then the platelet count cancelled (a result
    /// without a value); a referral for glucose (numeric with a
    /// comparator), tuberculosis DNA (text result) and rifampicin resistance (not yet done: partial report); a
    /// haemoglobin recheck reported and then corrected (amended report, superseded and correcting observations);
    /// and a QC run on the chemistry analyzer, which never becomes patient data.
    /// </summary>
    private static async Task<Seed> SeedAsync(ApiTestHost host)
    {
        var blood = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var mixed = await host.Hub.RegisterAsync(["GLU", "MTB-DNA", "MTB-RIF", "NEUT%"]);
        var edta = blood.Specimens.Single().Id;
        var serum = mixed.Specimens.Single(s => s.TestCodes.Contains("GLU")).Id;
        var sputum = mixed.Specimens.Single(s => s.TestCodes.Contains("MTB-DNA")).Id;

        var recheck = await host.Hub.RegisterAsync(["HGB"]);
        var recheckTube = recheck.Specimens.Single().Id;

        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, edta, hgb: "10.5"))]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Message(2, "sysmex-xn", "patient", recheckTube,
            new ResultItem { Code = "HGB", Value = "9.1", Units = "g/dL", Flags = ["L"], Status = "F", CompletedAt = At.AddMinutes(5) }))]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Message(6, "sysmex-xn", "patient", recheckTube,
            new ResultItem { Code = "HGB", Value = "9.4", Units = "g/dL", Flags = ["L"], Status = "C", CompletedAt = At.AddHours(1) }))]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Message(3, "generic-lis2", "qc", null,
            new ResultItem { Code = "GLU", Value = "5.4", Units = "mmol/L", Status = "F", CompletedAt = At }))]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Message(4, "generic-lis2", "patient", serum,
            new ResultItem { Code = "GLU", Value = "<1.1", Numeric = 1.1m, Comparator = "<", Units = "mmol/L", Flags = ["L"], Status = "F", CompletedAt = At.AddMinutes(20) }))]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Message(5, "generic-lis2", "patient", sputum,
            new ResultItem { Code = "MTB", Value = "DETECTED", Status = "F", CompletedAt = At.AddMinutes(40), Comments = ["Xpert MTB/RIF Ultra"] }))]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Message(7, "sysmex-xn", "patient", edta,
            new ResultItem { Code = "PLT", Value = "", Units = "10*3/uL", Status = "X", CompletedAt = At.AddMinutes(50) }))]);
        await host.Hub.ReleaseHeldAsync(); // a lab doctor validated what the rules held (issue 13)
        return new Seed(blood, mixed, recheck);
    }

    private static ResultMessage Message(long sequence, string profile, string kind, string? specimenId, ResultItem item) => new()
    {
        MessageId = new MessageId(TestHub.Gateway, sequence).ToString(),
        GatewayId = TestHub.Gateway,
        Sequence = sequence,
        InstrumentId = profile + "-1",
        Profile = profile,
        Protocol = "astm",
        Kind = kind,
        SpecimenId = specimenId,
        ReceivedAt = item.CompletedAt ?? At,
        TranscriptSha256 = new string('b', 64),
        Results = [item],
    };

    private static string TransactionBundle(string snils) => $$$"""
        {
          "resourceType": "Bundle", "type": "transaction",
          "entry": [
            {"fullUrl": "urn:uuid:7d2c9a10-0000-4000-8000-000000000001",
             "resource": {"resourceType": "Patient",
               "identifier": [{"system": "urn:oid:1.2.643.2.69.1.1.1.6.223", "value": "{{{snils}}}"}],
               "name": [{"use": "official", "family": "Соколова", "given": ["Ирина", "Павловна"]}],
               "gender": "female", "birthDate": "1987-02-11"},
             "request": {"method": "POST", "url": "Patient"}},
            {"fullUrl": "urn:uuid:7d2c9a10-0000-4000-8000-000000000002",
             "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
               "requisition": {"system": "urn:emr:referral", "value": "EMR-2026-0777"},
               "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
               "subject": {"reference": "urn:uuid:7d2c9a10-0000-4000-8000-000000000001"},
               "requester": {"display": "Петров П. П."},
               "performer": [{"identifier": {"system": "urn:edgelab:organization", "value": "{{{TestHub.Lab}}}"}}]},
             "request": {"method": "POST", "url": "ServiceRequest"}},
            {"fullUrl": "urn:uuid:7d2c9a10-0000-4000-8000-000000000003",
             "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
               "code": {"coding": [{"system": "urn:edgelab:catalog", "code": "GLU"}]},
               "subject": {"reference": "urn:uuid:7d2c9a10-0000-4000-8000-000000000001"},
               "requester": {"display": "Петров П. П."},
               "performer": [{"reference": "Organization/{{{TestHub.Lab}}}"}]},
             "request": {"method": "POST", "url": "ServiceRequest"}}
          ]
        }
        """;
}
