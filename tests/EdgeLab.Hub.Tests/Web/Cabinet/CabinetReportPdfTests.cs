using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Testing;
using static EdgeLab.Hub.Tests.Web.Cabinet.CabinetScenario;

namespace EdgeLab.Hub.Tests.Web.Cabinet;

/// <summary>
/// The cabinet's PDF report (issue 14): the hub's own PDF writer with Cyrillic, read back with poppler's pdftotext; its
/// verification QR/URL opens /cabinet/verify/{id} for anyone, showing lab, date, count and initials only.
/// </summary>
public sealed partial class CabinetReportPdfTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_pdf_report_has_the_results_in_cyrillic_and_a_verification_url_the_hub_confirms(string provider)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
        await using var host = await WebTestHost.StartAsync(provider, time);
        var slip = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        var other = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"], Patients.Sidorov);
        await AddCbcAsync(host, slip, 1);
        await AddCbcAsync(host, other, 2);
        using var client = host.NewClient();
        await SignInAsync(client, slip.Code, IvanovaBirthDate);

        var pdf = await client.GetAsync(new Uri($"/cabinet/reports/{slip.ReportId}/report.pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5), StringComparison.Ordinal);
        var refused = await client.GetAsync(new Uri($"/cabinet/reports/{other.ReportId}/report.pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var anyone = host.NewClient();
        var unknown = await anyone.GetAsync(new Uri("/cabinet/verify/aaaaaaaaaaaaaaaaaaaaaaaaaa", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, unknown.StatusCode);

        if (!File.Exists("/usr/bin/pdftotext")) return; // poppler-utils not installed: the rest needs the PDF's text
        var text = PdfText(bytes);
        Assert.Contains("Гемоглобин: 135 g/L; норма 120 – 150; ✓ в норме; окончательный", text, StringComparison.Ordinal);
        Assert.Contains("пациент М. С. И.", text, StringComparison.Ordinal);
        var id = VerifyUrl().Match(text);
        Assert.True(id.Success, text);

        var verify = await anyone.GetAsync(new Uri($"/cabinet/verify/{id.Groups[1].Value}", UriKind.Relative));
        var page = Text(await verify.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.Contains("Lab One", page, StringComparison.Ordinal);
        Assert.Contains("М. С. И.", page, StringComparison.Ordinal);
        Assert.Contains("Число результатов 3", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Иванова", page, StringComparison.Ordinal);
        Assert.DoesNotContain("135", page, StringComparison.Ordinal);
    }

    private static string PdfText(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgelab-cabinet-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/pdftotext") { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
            foreach (var a in new[] { "-enc", "UTF-8", "-raw", path, "-" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(30_000), "pdftotext timed out");
            Assert.True(p.ExitCode == 0, stderr.Result);
            return stdout.Result;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex("/cabinet/verify/([a-z2-7]{26})")]
    private static partial Regex VerifyUrl();
}
