using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Tests.Fleet;
using EdgeLab.Hub.Tests.Support;
using Microsoft.Playwright;

namespace EdgeLab.Hub.Tests.Web.Browser;

/// <summary>
/// The fleet console in Debian's Chromium (issue 12 §6) over a real SQLite file: regional IT filters the fleet by
/// keyboard, sorts it, opens a gateway, sends a ping and acknowledges its alert. Every page: a screenshot
/// (web-screenshots/fleet-*.png; README's copies in docs/screenshots) and axe-core with 0 serious or critical violations.
/// </summary>
public sealed class FleetBrowserTests
{
    private readonly List<string> _violations = [];

    [Fact]
    public async Task Regional_it_filters_the_fleet_opens_a_gateway_pings_it_and_acknowledges_its_alert()
    {
        await using var host = await WebTestHost.StartAsync("sqlite", TimeProvider.System);
        var hub = host.Hub;
        await WebTestHost.AddPersonAsync(hub, FleetConsoleTests.Operator, "Кузнецов И. И.", "region-office", WebRole.FleetOperator);
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, facility) in new[] { ("tomsk-okb-gw01", "tomsk-okb"), ("tomsk-okb-gw02", "tomsk-okb"), ("asino-crb-gw01", "asino-crb"), ("kolpashevo-gw01", "kolpashevo-crb") })
        {
            await hub.Store.UpsertGatewayAsync(id, TestHub.Lab);
            await FleetAlertTests.SqlAsync(hub, "UPDATE gateway SET facility = @facility, cert_not_after = @c WHERE id = @id",
                new { id, facility, c = now.AddDays(id == "kolpashevo-gw01" ? 9 : 300).ToUnixTimeMilliseconds() });
        }
        await FleetAlertTests.StatusAsync(hub, FleetAlertTests.Instruments("tomsk-okb-gw01", now.AddSeconds(-20), ("xn-550-1", "up", now.AddHours(-5)), ("bc-5380-1", "up", now.AddHours(-5))) with { ConfigVersion = 4, UptimeSeconds = 86_000, DiskFreeBytes = 12L << 30 });
        await FleetAlertTests.StatusAsync(hub, FleetAlertTests.Instruments("tomsk-okb-gw02", now.AddSeconds(-10), ("cobas-c311-1", "down", now.AddMinutes(-40))) with { OutboxDepth = 17, OldestUnsentAgeSeconds = 1500 });
        await FleetAlertTests.StatusAsync(hub, new StatusMessage { GatewayId = "asino-crb-gw01", Online = true, At = now.AddMinutes(-50), Version = "1.4.0" });
        await FleetAlertTests.StatusAsync(hub, new StatusMessage { GatewayId = "asino-crb-gw01", Online = false, At = now.AddMinutes(-35), Version = "1.4.0" });
        await FleetAlertTests.StatusAsync(hub, FleetAlertTests.Instruments("kolpashevo-gw01", now.AddSeconds(-5), ("mindray-bc-1", "waiting", now.AddHours(-1))));
        hub.Time.SetUtcNow(now);
        await FleetAlertTests.Monitor(hub).EvaluateAsync(CancellationToken.None);
        await using var browser = await BrowserSession.StartAsync();

        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/signin");
        await page.GetByLabel("Логин").FillAsync(FleetConsoleTests.Operator);
        await page.GetByLabel("Пароль").FillAsync(WebTestHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Link, new() { Name = "Шлюзы региона" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.fleet tbody tr")).ToHaveCountAsync(5);
        await CheckPageAsync(page, "fleet-console");

        // By keyboard: type into the id filter and press Enter.
        await page.Locator("#fleet-q").FocusAsync();
        await page.Keyboard.TypeAsync("tomsk");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/fleet?q=tomsk**");
        await Assertions.Expect(page.Locator("table.fleet tbody tr")).ToHaveCountAsync(2);
        // Sort by outbox, then the other way.
        await page.GetByRole(AriaRole.Link, new() { Name = "Неотправленных результатов" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Неотправленных результатов ▲" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.fleet tbody tr").First).ToContainTextAsync("tomsk-okb-gw02");
        await CheckPageAsync(page, "fleet-filtered");

        await page.GetByRole(AriaRole.Link, new() { Name = "tomsk-okb-gw02" }).ClickAsync();
        await page.WaitForURLAsync("**/fleet/gateways/tomsk-okb-gw02");
        await page.GetByRole(AriaRole.Button, new() { Name = "Проверить связь" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Команда поставлена в очередь");
        await Assertions.Expect(page.Locator("#commands + form + table")).ToContainTextAsync("ждёт отправки");
        await page.GetByRole(AriaRole.Button, new() { Name = "Принять к сведению оповещение «нет связи с анализатором»" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Оповещение принято к сведению");
        await CheckPageAsync(page, "fleet-gateway");

        await page.GetByRole(AriaRole.Link, new() { Name = "Оповещения о шлюзах" }).ClickAsync();
        await Assertions.Expect(page.Locator("#open + table tbody tr")).ToHaveCountAsync(4);
        await CheckPageAsync(page, "fleet-alerts");
        await page.GotoAsync("/fleet?lang=en");
        await CheckPageAsync(page, "fleet-console-english");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Region's gateways" })).ToBeVisibleAsync();

        Assert.Empty(_violations);
    }

    private async Task CheckPageAsync(IPage page, string name)
    {
        await BrowserSession.ScreenshotAsync(page, name);
        _violations.AddRange((await BrowserSession.SeriousViolationsAsync(page)).Select(v => $"{name}: {v}"));
    }
}
