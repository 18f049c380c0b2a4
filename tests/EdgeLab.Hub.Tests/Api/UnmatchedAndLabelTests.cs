using System.Text;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Api;

public sealed class UnmatchedAndLabelTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Lab_lists_held_results_and_resolves_them_into_observations(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, "LAB-000123"))]);
        var lab = host.Client(host.LabToken);

        var (status, list, _) = await lab.FetchAsync("/api/unmatched");
        Assert.Equal(200, status);
        var items = list!["items"]!.AsArray();
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.Equal("unknown-specimen", (string?)i!["reason"]));
        Assert.Empty((await host.Client(host.ClinicToken).FetchAsync("/api/unmatched")).Body!["items"]!.AsArray());

        var id = (long)items[0]!["id"]!;
        var (bad, badOutcome, _) = await lab.PostJsonAsync($"/api/unmatched/{id}/resolve", "{}");
        Assert.Equal(422, bad);
        Http.AssertOutcome(badOutcome, "value");
        Assert.Equal(400, (await lab.PostJsonAsync("/api/unmatched/abc/resolve", "{\"specimenId\": \"1\"}")).Status);

        var (resolved, body, _) = await lab.PostJsonAsync($"/api/unmatched/{id}/resolve", $"{{\"specimenId\": \"{reg.Specimens.Single().Id}\"}}");
        Assert.Equal(200, resolved);
        Assert.Equal(3, body!["resultIds"]!.AsArray().Count); // all three held with the same gateway and specimen id
        var observation = (string)body["observations"]![0]!;
        Assert.Equal(200, (await host.Client(host.ClinicToken).FetchAsync($"/fhir/{observation}")).Status);
        Assert.Empty((await lab.FetchAsync("/api/unmatched")).Body!["items"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Provenance_violations_are_listed_to_the_specimens_lab_and_not_to_a_clinic(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var specimen = (await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id;
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen, gateway: "ghost-gw01"))]);

        var (status, list, _) = await host.Client(host.LabToken).FetchAsync("/api/provenance-violations");
        Assert.Equal(200, status);
        var item = Assert.Single(list!["items"]!.AsArray())!;
        Assert.Equal("unregistered-gateway", (string?)item["reason"]);
        Assert.Equal("ghost-gw01", (string?)item["gatewayId"]);
        Assert.Equal(specimen, (string?)item["specimenId"]);
        Assert.Empty((await host.Client(host.ClinicToken).FetchAsync("/api/provenance-violations")).Body!["items"]!.AsArray());
        Assert.Equal(400, (await host.Client(host.LabToken).FetchAsync("/api/provenance-violations?count=0")).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Labels_come_as_zpl_and_pdf_for_visible_specimens_only(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var barcode = reg.Specimens.Single().Id;
        var client = host.Client(host.ClinicToken);

        var zpl = await client.GetAsync(new Uri($"/api/specimens/{barcode}/label.zpl", UriKind.Relative));
        Assert.Equal(200, (int)zpl.StatusCode);
        var text = await zpl.Content.ReadAsStringAsync();
        Assert.Contains($"^FD{barcode}^FS", text, StringComparison.Ordinal);
        Assert.Contains("ИВАНОВА Мария Сергеевна", text, StringComparison.Ordinal);
        Assert.Contains("14.03.1980", text, StringComparison.Ordinal);

        var pdf = await client.GetAsync(new Uri($"/api/specimens/{barcode}/label.pdf?copies=2", UriKind.Relative));
        Assert.Equal(200, (int)pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("%PDF-1.7", Encoding.ASCII.GetString(bytes, 0, 8), StringComparison.Ordinal);
        Assert.Contains("/Count 2", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);

        Assert.Equal(404, (await host.Client(host.OtherClinicToken).FetchAsync($"/api/specimens/{barcode}/label.pdf")).Status);
        Assert.Equal(404, (await client.FetchAsync("/api/specimens/99999999999/label.zpl")).Status);
        Assert.Equal(400, (await client.FetchAsync($"/api/specimens/{barcode}/label.zpl?copies=100")).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Concurrent_resolutions_of_one_held_result_attach_it_once(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, "LAB-000123"))]);
        var lab = host.Client(host.LabToken);
        var items = (await lab.FetchAsync("/api/unmatched")).Body!["items"]!.AsArray();
        var id = (long)items[0]!["id"]!;

        // Two people at two screens resolve the same held result at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            host.Client(host.LabToken).PostJsonAsync($"/api/unmatched/{id}/resolve", $"{{\"specimenId\": \"{reg.Specimens.Single().Id}\"}}"))));
        Assert.Single(answers, a => a.Status == 200);
        Assert.All(answers.Where(a => a.Status != 200), a => Assert.Equal(422, a.Status));
        var observations = await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { PatientId = reg.Patient.Id, IncludeSuperseded = true });
        Assert.Equal(3, observations.Items.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Control_characters_in_a_resolution_or_filter_are_4xx_not_500(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, "LAB-000123"))]);
        var lab = host.Client(host.LabToken);
        var id = (long)(await lab.FetchAsync("/api/unmatched")).Body!["items"]!.AsArray()[0]!["id"]!;

        var (status, outcome, _) = await lab.PostJsonAsync($"/api/unmatched/{id}/resolve", "{\"specimenId\": \"12\\u00003\"}");
        Assert.Equal(422, status);
        Assert.Equal("specimenId", (string?)Http.AssertOutcome(outcome, "value")["expression"]![0]);
        var (filter, filterOutcome, _) = await lab.FetchAsync("/api/unmatched?gateway=gw%00");
        Assert.Equal(400, filter);
        Assert.Equal("gateway", (string?)Http.AssertOutcome(filterOutcome, "value")["expression"]![0]);
        Assert.Equal(3, (await lab.FetchAsync("/api/unmatched")).Body!["items"]!.AsArray().Count); // still held, nothing half-done
    }
}
