using System.Globalization;
using System.Net;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Web.Auth;

namespace EdgeLab.Hub.Tests.Web;

/// <summary>
/// The clinic view over plain HTTP, on both databases (issue 13): the clinic doctor's referral list with status in
/// words, a referral's results (a held value is not shown until released), the cumulative view and the PDF report;
/// another clinic's doctor and the lab's people are refused; every view is audited with the patient.
/// </summary>
public sealed class ClinicViewTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private const string ClinicDoctor = "clin.sokolova";
    private const string OtherClinicDoctor = "clin.belova";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_clinic_doctor_follows_referrals_from_registered_to_fully_reported(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        await WebTestHost.AddPersonAsync(host.Hub, ClinicDoctor, "Соколова Н. Н.", TestHub.Clinic, WebRole.ClinicDoctor);
        await WebTestHost.AddPersonAsync(host.Hub, OtherClinicDoctor, "Белова М. М.", TestHub.OtherClinic, WebRole.ClinicDoctor);
        var earlier = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, earlier.Specimens.Single().Id, hgb: "13.5", completed: Messages.At.AddDays(-10)))]);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, reg.Specimens.Single().Id, hgb: "11.0"))]);
        var waiting = await host.Hub.RegisterAsync(["GLU"]);

        foreach (var login in new[] { WebTestHost.Doctor, WebTestHost.Registrar })
        {
            using var other = host.NewClient();
            await WebTestHost.SignInAsync(other, login);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(new Uri("/clinic", UriKind.Relative))).StatusCode);
        }
        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, ClinicDoctor);
        var list = await client.GetStringAsync(new Uri("/clinic", UriKind.Relative));
        Assert.Contains("○ зарегистрировано", Row(list, waiting.Referral.Id), StringComparison.Ordinal);
        Assert.Contains("◕ готово частично", Row(list, reg.Referral.Id), StringComparison.Ordinal);
        Assert.Contains("2 из 3", Row(list, reg.Referral.Id), StringComparison.Ordinal);
        Assert.Contains("● готово полностью", Row(list, earlier.Referral.Id), StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(ClinicDoctor), e => e.Action == "read" && e.ResourceType == "ClinicReferralList");
        // Search by family name prefix, case-insensitively.
        Assert.Contains(reg.Referral.Id, await client.GetStringAsync(new Uri("/clinic?q=иван", UriKind.Relative)), StringComparison.Ordinal);
        Assert.DoesNotContain(reg.Referral.Id, await client.GetStringAsync(new Uri("/clinic?q=Петрова", UriKind.Relative)), StringComparison.Ordinal);

        // The referral: the held HGB is not shown as a value; the released ones are, with range and flag in words.
        var page = await client.GetStringAsync(new Uri($"/clinic/referrals/{reg.Referral.Id}", UriKind.Relative));
        Assert.Contains("на проверке у врача лаборатории", page, StringComparison.Ordinal);
        Assert.DoesNotContain("110 g/L", page, StringComparison.Ordinal);
        Assert.Contains("в норме", page, StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(ClinicDoctor), e => e.Action == "read" && e.ResourceType == "Referral" && e.ResourceId == reg.Referral.Id && e.PatientId == reg.Patient.Id);

        var held = (await host.Hub.Store.ListWorklistAsync(AccessScope.Region)).SelectMany(g => g.Results).Single().Result;
        Assert.Equal(DecisionOutcome.Decided, (await host.Hub.Store.DecideAsync(AccessScope.ForOrganization(TestHub.Lab), held.Id, ValidationAction.Release, "user:doc.smirnova", null)).Outcome);
        page = await client.GetStringAsync(new Uri($"/clinic/referrals/{reg.Referral.Id}", UriKind.Relative));
        Assert.Contains("● готово полностью", page, StringComparison.Ordinal);
        Assert.Contains("110 g/L", page, StringComparison.Ordinal);
        Assert.Contains("↓ ниже нормы", page, StringComparison.Ordinal);

        // Cumulative: the patient's tubes as columns, newest first.
        var cumulative = await client.GetStringAsync(new Uri($"/clinic/patients/{reg.Patient.Id}/cumulative", UriKind.Relative));
        var newest = cumulative.IndexOf(Messages.At.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var older = cumulative.IndexOf(Messages.At.AddDays(-10).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.True(newest > 0 && older > newest, "both dates, newest first");
        Assert.Contains("135", cumulative, StringComparison.Ordinal);
        Assert.Contains("110", cumulative, StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(ClinicDoctor), e => e.Action == "read" && e.ResourceType == "PatientCumulative" && e.PatientId == reg.Patient.Id && e.StatusCode == 200);

        var pdf = await client.GetAsync(new Uri($"/web/clinic/referrals/{reg.Referral.Id}/report.pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync())[..5], StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(ClinicDoctor), e => e.Action == "read" && e.ResourceType == "ReferralReport" && e.PatientId == reg.Patient.Id && e.StatusCode == 200);

        // Another clinic's doctor sees none of it.
        using var stranger = host.NewClient();
        await WebTestHost.SignInAsync(stranger, OtherClinicDoctor);
        Assert.DoesNotContain(reg.Referral.Id, await stranger.GetStringAsync(new Uri("/clinic", UriKind.Relative)), StringComparison.Ordinal);
        Assert.DoesNotContain("110 g/L", await stranger.GetStringAsync(new Uri($"/clinic/referrals/{reg.Referral.Id}", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(new Uri($"/web/clinic/referrals/{reg.Referral.Id}/report.pdf", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain("135", await stranger.GetStringAsync(new Uri($"/clinic/patients/{reg.Patient.Id}/cumulative", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(OtherClinicDoctor), e => e.ResourceType == "Referral" && e.StatusCode == 404);
    }

    /// <summary>The table row of the list that links to <paramref name="referralId"/>.</summary>
    private static string Row(string page, string referralId)
    {
        var at = page.IndexOf($"/clinic/referrals/{referralId}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"referral {referralId} is listed");
        var end = page.IndexOf("</tr>", at, StringComparison.Ordinal);
        return page[at..end];
    }
}
