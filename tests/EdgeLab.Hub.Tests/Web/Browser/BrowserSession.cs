using System.Diagnostics;
using System.Text.Json;
using EdgeLab.LocalServices;
using Microsoft.Playwright;

namespace EdgeLab.Hub.Tests.Web.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright .NET (the package cannot download browsers here: ExecutablePath), one context
/// per person, screenshots into the test output's <c>web-screenshots/</c> folder, and axe-core (tests/web-a11y, installed
/// by deploy/install-web-test-deps.sh) run in the page.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private const string InstallHint = "run deploy/install-web-test-deps.sh (deploy/install-deps.sh calls it)";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "web-screenshots");

    public static string AxeScript { get; } = Path.Combine(EdgeLabComponents.RepositoryRoot(), "tests", "web-a11y", "node_modules", "axe-core", "axe.min.js");

    public static async Task<BrowserSession> StartAsync()
    {
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: {InstallHint}");
        if (!File.Exists(AxeScript)) throw new InvalidOperationException($"axe-core is not installed ({AxeScript}): {InstallHint}");
        Directory.CreateDirectory(ScreenshotDirectory);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new BrowserSession(playwright, browser);
    }

    public async Task<IPage> NewPageAsync(Uri baseAddress, string locale = "ru-RU")
    {
        var context = await _browser.NewContextAsync(new()
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            Locale = locale,
            AcceptDownloads = true,
            ViewportSize = new() { Width = 1280, Height = 860 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    /// <summary>axe-core's WCAG 2.1 A/AA rules in the page: the serious and critical violations (id, impact, first target, help).</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            await page.AddScriptTagAsync(new() { Path = AxeScript });
        var violations = await page.EvaluateAsync<JsonElement>(
            """
            async () => {
              const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return r.violations.map(v => ({ id: v.id, impact: v.impact || '', target: String(v.nodes[0] && v.nodes[0].target), help: v.help }));
            }
            """);
        return violations.EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}) at {v.GetProperty("target").GetString()}: {v.GetProperty("help").GetString()}")
            .Concat(await WiderThanWindowAsync(page))
            .ToList();
    }

    /// <summary>
    /// WCAG 2.1 SC 1.4.10 (reflow): the page itself never scrolls sideways — a wide table scrolls in its own region.
    /// axe does not check this; a worklist table once ran past the window and the header bar stopped short of it.
    /// </summary>
    private static async Task<IReadOnlyList<string>> WiderThanWindowAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        var window = await page.EvaluateAsync<int>("() => window.innerWidth");
        return width > window ? [$"reflow (serious): the page is {width} px wide in a {window} px window; wrap the wide element in a scrolling region"] : [];
    }

    /// <summary>Text of a PDF by poppler's pdftotext (UTF-8), so a test reads what a person would read.</summary>
    public static async Task<string> PdfTextAsync(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/pdftotext", ["-enc", "UTF-8", "-layout", path, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? text : throw new InvalidOperationException($"pdftotext failed ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
