using System.Net;
using System.Net.Http.Headers;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Testing;
using static EdgeLab.Hub.Tests.Web.Cabinet.CabinetScenario;

namespace EdgeLab.Hub.Tests.Web.Cabinet;

/// <summary>
/// What the cabinet shows (issue 14): only results the lab released; a test marked sensitive in the catalog only after
/// a clinician releases it to the patient through <c>POST /api/cabinet/referrals/{id}/tests/{code}/release</c> (scope
/// <c>cabinet.release</c>); the report newest first with flags in words and symbols, and the trend as SVG with a table.
/// </summary>
public sealed class CabinetReleaseRuleTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_result_held_for_the_lab_doctor_is_not_shown_until_released(string provider)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
        await using var host = await WebTestHost.StartAsync(provider, time);
        var slip = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        await AddCbcAsync(host, slip, 1, hgb: "9.0", release: false); // 90 g/L: below the range, so autoverification holds it
        using var client = host.NewClient();
        await SignInAsync(client, slip.Code, IvanovaBirthDate);

        var before = Text(await client.GetStringAsync(new Uri("/cabinet/results", UriKind.Relative)));
        Assert.Contains("Лейкоциты", before, StringComparison.Ordinal);
        Assert.DoesNotContain("Гемоглобин", before, StringComparison.Ordinal);

        await host.Hub.ReleaseHeldAsync();
        var after = Text(await client.GetStringAsync(new Uri("/cabinet/results", UriKind.Relative)));
        Assert.Contains("Гемоглобин", after, StringComparison.Ordinal);
        Assert.Contains("90 g/L", after, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_sensitive_test_waits_for_the_clinicians_release_to_the_patient(string provider)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
        await using var host = await WebTestHost.StartAsync(provider, time);
        var slip = await RegisterAsync(host, time, ["HGB", "WBC", "PLT", "HIV1-VL"]);
        await AddCbcAsync(host, slip, 1);
        await AddHivAsync(host, slip, 2);
        using var patient = host.NewClient();
        await SignInAsync(patient, slip.Code, IvanovaBirthDate);

        var before = Text(await patient.GetStringAsync(new Uri("/cabinet/results", UriKind.Relative)));
        Assert.DoesNotContain("ВИЧ", before, StringComparison.Ordinal);
        Assert.Contains("Ещё 1 результат(ов) будут показаны", before, StringComparison.Ordinal);

        using var api = host.NewClient();
        var release = new Uri($"/api/cabinet/referrals/{slip.Registered.Referral.Id}/tests/HIV1-VL/release", UriKind.Relative);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ApiTestHost.AddClientAsync(host.Hub, "clinic-1-emr", TestHub.Clinic, [ApiScopes.ReadAll]));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsync(release, null)).StatusCode); // no cabinet.release scope
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ApiTestHost.AddClientAsync(host.Hub, "clinic-1-doctor", TestHub.Clinic, [ApiScopes.CabinetRelease]));
        var notSensitive = await api.PostAsync(new Uri($"/api/cabinet/referrals/{slip.Registered.Referral.Id}/tests/HGB/release", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notSensitive.StatusCode);
        Assert.Contains("not marked sensitive", await notSensitive.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var released = await api.PostAsync(release, null);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Contains("\"released\":true", await released.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"released\":false", await (await api.PostAsync(release, null)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var after = Text(await patient.GetStringAsync(new Uri("/cabinet/results", UriKind.Relative)));
        Assert.Contains("РНК ВИЧ-1", after, StringComparison.Ordinal);
        Assert.DoesNotContain("будут показаны", after, StringComparison.Ordinal);
        var audit = await host.Hub.Store.QueryAuditAsync(new EdgeLab.Hub.Store.AuditQuery { ClientId = "clinic-1-doctor", Count = 20 });
        Assert.Contains(audit.Items, e => e.Action == "release-to-patient" && e.StatusCode == 200 && e.PatientId == slip.Registered.Patient.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_report_page_draws_the_trend_with_its_reference_band_and_a_table(string provider)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
        await using var host = await WebTestHost.StartAsync(provider, time);
        var earlier = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        await AddCbcAsync(host, earlier, 1, hgb: "12.8", at: Messages.At.AddDays(-60));
        var slip = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        await AddCbcAsync(host, slip, 2, hgb: "13.5");
        using var client = host.NewClient();
        await SignInAsync(client, slip.Code, IvanovaBirthDate);

        var html = await client.GetStringAsync(new Uri($"/cabinet/reports/{slip.ReportId}", UriKind.Relative));

        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("role=\"img\"", html, StringComparison.Ordinal);
        Assert.Contains("<title id=\"trend-HGB-title\">Динамика: Гемоглобин</title>", html, StringComparison.Ordinal);
        Assert.Contains("class=\"band\"", html, StringComparison.Ordinal);
        var text = Text(html);
        Assert.Contains("22.09.2026", text, StringComparison.Ordinal); // the earlier referral's value is a point of the trend
        Assert.Contains("128", text, StringComparison.Ordinal);
        Assert.Contains("135", text, StringComparison.Ordinal);
    }
}
