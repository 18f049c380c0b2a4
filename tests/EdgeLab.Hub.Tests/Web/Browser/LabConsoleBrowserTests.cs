using System.Text;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using Microsoft.Playwright;

namespace EdgeLab.Hub.Tests.Web.Browser;

/// <summary>
/// The lab console in Debian's Chromium against the hub's pages on a loopback port over a real SQLite file: a registrar
/// registers a referral by hand and prints its slip and labels; a lab technician receives the tube by scan, resolves
/// an unmatched result and reads a quarantined message. Every page: a screenshot and axe-core with 0 serious or
/// critical violations.
/// </summary>
public sealed class LabConsoleBrowserTests
{
    private readonly List<string> _violations = [];

    [Fact]
    public async Task Registrar_and_technician_work_a_referral_from_entry_to_result()
    {
        await using var host = await WebTestHost.StartAsync("sqlite");
        // Held before anyone signs in: three results for a tube the hub never issued, and a message that is not JSON.
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, "LAB-000777"))]);
        var transcript = Encoding.UTF8.GetBytes("\u00021H|\\^&|||cobas^1\r\u00039A\r\n");
        await host.Hub.Writer.WriteAsync([Messages.Raw("results", transcript, $"{TestHub.Gateway}:{Messages.Epoch}:2")]);
        await using var browser = await BrowserSession.StartAsync();

        // Registrar: sign in, enter the referral.
        var registrar = await browser.NewPageAsync(host.Address);
        await registrar.GotoAsync("/signin");
        await CheckPageAsync(registrar, "01-sign-in");
        await SignInAsync(registrar, WebTestHost.Registrar);
        await registrar.GetByRole(AriaRole.Link, new() { Name = "Новое направление" }).ClickAsync();
        await registrar.Locator("#family").FillAsync("Кузнецова");
        await registrar.Locator("#given").FillAsync("Ольга");
        await registrar.Locator("#middle").FillAsync("Игоревна");
        await registrar.Locator("#birthDate").FillAsync("1975-05-20");
        await registrar.Locator("#sex").SelectOptionAsync("female");
        await registrar.Locator("#snils").FillAsync(Snils.Complete("334455667"));
        await registrar.Locator("#practitioner").FillAsync("Петров П. П.");
        foreach (var code in new[] { "WBC", "HGB", "PLT" }) await registrar.Locator($"#test-{code}").CheckAsync();
        await CheckPageAsync(registrar, "02-referral-entry");
        await registrar.GetByRole(AriaRole.Button, new() { Name = "Сохранить направление" }).ClickAsync();
        await registrar.WaitForURLAsync("**/referrals/*");
        var referralId = registrar.Url.Split('/')[^1];
        await CheckPageAsync(registrar, "03-referral");

        var referral = await host.Hub.Store.GetReferralAsync(AccessScope.Region, referralId);
        Assert.NotNull(referral);
        Assert.Equal((TestHub.Clinic, TestHub.Lab), (referral.OrderingOrganizationId, referral.PerformingLabId));
        Assert.Equal(["HGB", "PLT", "WBC"], referral.TestCodes.Order(StringComparer.Ordinal));
        // Exactly as over the JSON API: the order for the lab's gateway is queued in the same transaction.
        Assert.Contains(await host.Hub.Store.ListPendingOrdersAsync(100), o => o.GatewayId == TestHub.Gateway);
        var tube = Assert.Single((await host.Hub.Store.SearchSpecimensAsync(AccessScope.Region, new SpecimenQuery { ReferralId = referralId })).Items);

        // Slip and labels.
        var slip = await registrar.RunAndWaitForDownloadAsync(() => registrar.GetByRole(AriaRole.Button, new() { Name = "Печать направления (PDF)" }).ClickAsync());
        var slipText = await BrowserSession.PdfTextAsync((await slip.PathAsync())!);
        Assert.Contains("Направление на лабораторное исследование", slipText, StringComparison.Ordinal);
        Assert.Contains("Кузнецова Ольга Игоревна", slipText, StringComparison.Ordinal);
        Assert.Contains(tube.Id, slipText, StringComparison.Ordinal);
        Assert.Matches(@"Код доступа:\s+[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}", slipText);
        var labelPdf = await registrar.RunAndWaitForDownloadAsync(() => registrar.GetByRole(AriaRole.Link, new() { Name = $"Этикетка PDF {tube.Id}" }).ClickAsync());
        var labelText = await BrowserSession.PdfTextAsync((await labelPdf.PathAsync())!);
        Assert.Contains("КУЗНЕЦОВА Ольга Игоревна", labelText, StringComparison.Ordinal);
        Assert.Contains(tube.Id, labelText, StringComparison.Ordinal);
        var labelZpl = await registrar.RunAndWaitForDownloadAsync(() => registrar.GetByRole(AriaRole.Link, new() { Name = $"Этикетка ZPL {tube.Id}" }).ClickAsync());
        var zpl = await File.ReadAllTextAsync((await labelZpl.PathAsync())!);
        Assert.StartsWith("^XA", zpl, StringComparison.Ordinal);
        Assert.Contains($"^FD{tube.Id}^FS", zpl, StringComparison.Ordinal);
        Assert.Contains("^FDКУЗНЕЦОВА Ольга Игоревна^FS", zpl, StringComparison.Ordinal);
        await registrar.GetByRole(AriaRole.Button, new() { Name = "Выйти" }).ClickAsync();
        await registrar.WaitForURLAsync("**/signin");

        // Lab technician: receive the tube by scan (a hand scanner types the digits and Enter).
        var tech = await browser.NewPageAsync(host.Address);
        await tech.GotoAsync("/signin");
        await SignInAsync(tech, WebTestHost.Technician);
        await tech.GetByRole(AriaRole.Link, new() { Name = "Приём пробирок" }).ClickAsync();
        await tech.Locator("#barcode").PressSequentiallyAsync(tube.Id);
        await tech.Locator("#barcode").PressAsync("Enter");
        await Assertions.Expect(tech.GetByRole(AriaRole.Status)).ToContainTextAsync($"Пробирка {tube.Id} принята");
        await CheckPageAsync(tech, "04-reception");
        var received = Assert.Single(await host.Hub.Store.ListReceptionsAsync(TestHub.Lab));
        Assert.Equal((tube.Id, "reception-1", WebTestHost.Technician), (received.SpecimenId, received.Station, received.ReceivedBy));

        // The unmatched results: list, detail, resolve onto the received tube.
        await tech.GetByRole(AriaRole.Link, new() { Name = "Неопознанные результаты" }).ClickAsync();
        await Assertions.Expect(tech.Locator("tbody tr")).ToHaveCountAsync(3);
        await CheckPageAsync(tech, "05-unmatched");
        await tech.Locator("tbody tr").First.GetByRole(AriaRole.Link).ClickAsync();
        await tech.Locator("#specimen").FillAsync(tube.Id);
        await CheckPageAsync(tech, "06-unmatched-detail");
        await tech.GetByRole(AriaRole.Button, new() { Name = "Привязать результат" }).ClickAsync();
        await Assertions.Expect(tech.GetByRole(AriaRole.Status)).ToContainTextAsync("Результат привязан");
        Assert.Empty((await host.Hub.Store.ListUnmatchedAsync(AccessScope.Region, new UnmatchedQuery())).Items);
        var results = (await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { PatientId = referral.PatientId })).Items;
        Assert.Equal(3, results.Count);
        await Assertions.Expect(tech.Locator("#audit-heading + table")).ToContainTextAsync($"user:{WebTestHost.Technician}");

        // The quarantined message, its control characters named.
        await tech.GetByRole(AriaRole.Link, new() { Name = "Карантин сообщений" }).ClickAsync();
        await CheckPageAsync(tech, "07-quarantine");
        await tech.Locator("tbody tr").First.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(tech.Locator("pre.transcript")).ToContainTextAsync("<STX>1H|\\^&|||cobas^1<CR>");
        await Assertions.Expect(tech.Locator("pre.transcript")).ToContainTextAsync("<ETX>9A<CR><LF>");
        await CheckPageAsync(tech, "08-quarantine-detail");

        await tech.GetByRole(AriaRole.Link, new() { Name = "Конфликты идентичности" }).ClickAsync();
        await CheckPageAsync(tech, "09-identity-conflicts");
        await tech.GotoAsync("/?lang=en");
        await CheckPageAsync(tech, "10-home-english");
        await Assertions.Expect(tech.GetByRole(AriaRole.Link, new() { Name = "Specimen reception" })).ToBeVisibleAsync();

        Assert.Empty(_violations);
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        await page.GetByLabel("Логин").FillAsync(login);
        await page.GetByLabel("Пароль").FillAsync(WebTestHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
    }

    private async Task CheckPageAsync(IPage page, string name)
    {
        await BrowserSession.ScreenshotAsync(page, name);
        _violations.AddRange((await BrowserSession.SeriousViolationsAsync(page)).Select(v => $"{name}: {v}"));
    }
}
