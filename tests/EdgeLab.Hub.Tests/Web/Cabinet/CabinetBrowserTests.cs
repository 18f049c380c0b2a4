using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Tests.Web.Browser;
using EdgeLab.Testing;
using Microsoft.Playwright;
using static EdgeLab.Hub.Tests.Web.Cabinet.CabinetScenario;

namespace EdgeLab.Hub.Tests.Web.Cabinet;

/// <summary>
/// The patient's cabinet in Debian's Chromium on a phone-sized viewport, over a real SQLite file: slip code → birth
/// date → results → report with its trend → PDF (read back by pdftotext). Every page: a screenshot
/// (web-screenshots/cabinet-*.png) and axe-core with 0 serious or critical violations.
/// </summary>
public sealed class CabinetBrowserTests
{
    private readonly List<string> _violations = [];

    [Fact]
    public async Task A_patient_opens_the_results_from_the_slip_and_downloads_the_report()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
        await using var host = await WebTestHost.StartAsync("sqlite", time);
        var earlier = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        await AddCbcAsync(host, earlier, 1, hgb: "12.9", at: Messages.At.AddDays(-90));
        var middle = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        await AddCbcAsync(host, middle, 2, hgb: "11.4", at: Messages.At.AddDays(-30));
        var slip = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        await AddCbcAsync(host, slip, 3, hgb: "12.4");
        await using var browser = await BrowserSession.StartAsync();
        var page = await browser.NewPageAsync(host.Address);
        await page.SetViewportSizeAsync(420, 900);

        await page.GotoAsync("/cabinet");
        await CheckPageAsync(page, "cabinet-1-code");
        await page.Locator("#code").FillAsync(slip.Code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Далее" }).ClickAsync();
        await page.Locator("#birthDate").WaitForAsync();
        await CheckPageAsync(page, "cabinet-2-birth-date");
        await page.Locator("#birthDate").FillAsync(IvanovaBirthDate);
        await page.GetByRole(AriaRole.Button, new() { Name = "Открыть результаты" }).ClickAsync();
        await page.WaitForURLAsync("**/cabinet/results");
        await CheckPageAsync(page, "cabinet-3-results");
        Assert.Contains("Гемоглобин", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Подробнее, динамика и PDF" }).First.ClickAsync();
        await page.WaitForURLAsync("**/cabinet/reports/*");
        await page.Locator("#trend-HGB svg").WaitForAsync();
        await CheckPageAsync(page, "cabinet-4-report-trend");
        await page.Locator("#trend-HGB").ScreenshotAsync(new() { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "cabinet-5-trend.png") });

        var pdf = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Скачать отчёт (PDF)" }).ClickAsync());
        var text = await BrowserSession.PdfTextAsync((await pdf.PathAsync())!);
        Assert.Contains("Результаты лабораторных исследований", text, StringComparison.Ordinal);
        Assert.Contains("/cabinet/verify/", text, StringComparison.Ordinal);
        Assert.Empty(_violations);
    }

    private async Task CheckPageAsync(IPage page, string name)
    {
        await BrowserSession.ScreenshotAsync(page, name);
        _violations.AddRange((await BrowserSession.SeriousViolationsAsync(page)).Select(v => $"{name}: {v}"));
    }
}
