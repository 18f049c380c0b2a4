using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Api;

public sealed class ReferralFormTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static string Form(string snils, string family = "\"Сидоров\"", string? externalId = null, string org = "") => $$"""
        {
          "patient": {"snils": "{{snils}}", "oms": null, "family": {{family}}, "given": "Алексей", "middle": "Иванович", "sex": "male", "birthDate": "1955-07-02"},
          {{org}}
          "practitioner": "Петров П. П.",
          "tests": ["HGB", "GLU"],
          "performingLab": "{{TestHub.Lab}}"{{(externalId is null ? "" : $", \"externalId\": \"{externalId}\"")}}
        }
        """;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Registers_a_referral_and_answers_barcodes_then_repeats_idempotently(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);
        var (status, receipt, _) = await client.PostJsonAsync("/api/referrals", Form(Snils.Complete("223344556"), externalId: "emr-77"));

        Assert.Equal(201, status);
        var referralId = (string)receipt!["referralId"]!;
        var specimens = receipt["specimens"]!.AsArray();
        Assert.Equal(2, specimens.Count); // HGB from EDTA blood, GLU from serum
        foreach (var s in specimens)
        {
            var barcode = (string)s!["barcode"]!;
            Assert.Matches("^[0-9]+$", barcode);
            Assert.EndsWith($"/api/specimens/{barcode}/label.pdf", (string?)s["labelPdf"], StringComparison.Ordinal);
            Assert.Equal(200, (await client.FetchAsync($"/fhir/Specimen/{barcode}")).Status);
        }
        var orders = await host.PendingOrdersAsync();
        Assert.Equal(specimens.Select(s => (string)s!["barcode"]!).Order(), orders.Where(o => o.ReferralId == referralId && o.Action == "upsert").Select(o => o.SpecimenId).Order());
        Assert.Equal(1, host.OrderSignal.Wakes);

        var (again, second, _) = await client.PostJsonAsync("/api/referrals", Form(Snils.Complete("223344556"), externalId: "emr-77"));
        Assert.Equal(200, again);
        Assert.Equal(referralId, (string?)second!["referralId"]);
        Assert.True((bool?)second["alreadyExisted"]);
        Assert.Equal(orders.Count, (await host.PendingOrdersAsync()).Count); // a repeat queues no second order
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bad_snils_is_422_naming_the_field(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var good = Snils.Complete("223344556");
        var bad = good[..9] + (good[9] == '9' ? "00" : "99");
        var (status, outcome, _) = await host.Client(host.ClinicToken).PostJsonAsync("/api/referrals", Form(bad));
        Assert.Equal(422, status);
        var issue = Http.AssertOutcome(outcome, "value");
        Assert.Equal("patient.snils", (string?)issue["expression"]![0]);
        Assert.Contains("SNILS", (string?)issue["diagnostics"], StringComparison.Ordinal);
        Assert.Empty(await host.PendingOrdersAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Missing_fields_malformed_json_and_foreign_organization_are_4xx(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);

        var (missing, outcome, _) = await client.PostJsonAsync("/api/referrals", Form(Snils.Complete("223344556"), family: "null"));
        Assert.Equal(422, missing);
        Assert.Contains(outcome!["issue"]!.AsArray(), i => (string?)i!["expression"]![0] == "patient.family");

        var (malformed, syntax, _) = await client.PostJsonAsync("/api/referrals", "{\"patient\": {\"snils\": ");
        Assert.Equal(400, malformed);
        Http.AssertOutcome(syntax, "structure");

        var (wrongType, _, _) = await client.PostJsonAsync("/api/referrals", "{\"tests\": \"HGB\"}");
        Assert.Equal(400, wrongType);

        var (unknownTest, testOutcome, _) = await client.PostJsonAsync("/api/referrals", Form(Snils.Complete("223344556")).Replace("\"GLU\"", "\"NOPE\"", StringComparison.Ordinal));
        Assert.Equal(422, unknownTest);
        Assert.Equal("tests", (string?)testOutcome!["issue"]![0]!["expression"]![0]);

        var (foreign, _, _) = await client.PostJsonAsync("/api/referrals", Form(Snils.Complete("223344556"), org: $"\"orderingOrganization\": \"{TestHub.OtherClinic}\","));
        Assert.Equal(403, foreign);

        var (text, _, _) = await client.PostJsonAsync("/api/referrals", "patient=x", "text/plain");
        Assert.Equal(415, text);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Concurrent_repeats_register_one_referral_and_one_patient(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        const int Calls = 8;
        var snils = Snils.Complete("223344556");
        // An EMR that retries on a timeout sends the same referral again while the first is still being stored.
        var repeats = await Task.WhenAll(Enumerable.Range(0, Calls).Select(_ => Task.Run(() => host.Client(host.ClinicToken).PostJsonAsync("/api/referrals", Form(snils, externalId: "emr-91")))));
        Assert.All(repeats, r => Assert.True(r.Status is 200 or 201, $"{r.Status}: {r.Body?.ToJsonString()}"));
        Assert.Single(repeats, r => r.Status == 201);
        Assert.Single(repeats.Select(r => (string?)r.Body!["referralId"]).Distinct());

        // Different referrals for one new patient, at once: one patient record, not a failed unique index.
        var referrals = await Task.WhenAll(Enumerable.Range(0, Calls).Select(i => Task.Run(() =>
            host.Client(host.ClinicToken).PostJsonAsync("/api/referrals", Form(Snils.Complete("445566778"), externalId: $"emr-{100 + i}")))));
        Assert.All(referrals, r => Assert.True(r.Status == 201, $"{r.Status}: {r.Body?.ToJsonString()}"));
        var (status, bundle, _) = await host.Client(host.ClinicToken).FetchAsync($"/fhir/Patient?identifier={Snils.Complete("445566778")}");
        Assert.Equal(200, status);
        Assert.Single(bundle!["entry"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Control_characters_in_the_external_id_or_lab_are_422_naming_the_field(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var (status, outcome, _) = await host.Client(host.ClinicToken).PostJsonAsync("/api/referrals", Form(Snils.Complete("223344556"), externalId: "emr\\u0000-1"));
        Assert.Equal(422, status);
        Assert.Equal("externalId", (string?)Http.AssertOutcome(outcome, "value")["expression"]![0]);
        var badLab = Form(Snils.Complete("223344556")).Replace($"\"{TestHub.Lab}\"", $"\"{TestHub.Lab}\\u0000\"", StringComparison.Ordinal);
        var (labStatus, labOutcome, _) = await host.Client(host.ClinicToken).PostJsonAsync("/api/referrals", badLab);
        Assert.Equal(422, labStatus);
        Assert.Equal("performingLab", (string?)Http.AssertOutcome(labOutcome, "value")["expression"]![0]);
        Assert.Empty(await host.PendingOrdersAsync());
    }
}
