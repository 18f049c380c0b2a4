using System.Net;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Tests.Fleet;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Web;

/// <summary>
/// The fleet console over plain HTTP on both databases (issue 12 §6): who may open it (a lab role is refused, and the
/// refusal is audited), what a row shows, the filters, sort and pages in the query string, a gateway's page with its
/// timeline, a command sent from the page (antiforgery, ledger, audit) and an alert acknowledged.
/// </summary>
public sealed class FleetConsoleTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    internal const string Operator = "it.kuznetsov";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Regional_it_sees_every_gateway_with_its_health_and_filters_sorts_and_pages(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider, TimeProvider.System);
        var hub = host.Hub;
        await WebTestHost.AddPersonAsync(hub, Operator, "Кузнецов И. И.", "region-office", WebRole.FleetOperator);
        var now = DateTimeOffset.UtcNow;
        await hub.Store.UpsertGatewayAsync("tomsk-okb-gw01", TestHub.Lab);
        await hub.Store.UpsertGatewayAsync("asino-crb-gw01", TestHub.Lab);
        await FleetAlertTests.SqlAsync(hub, "UPDATE gateway SET facility = 'tomsk-okb', cert_not_after = @c WHERE id = 'tomsk-okb-gw01'", new { c = now.AddDays(200).ToUnixTimeMilliseconds() });
        await FleetAlertTests.SqlAsync(hub, "UPDATE gateway SET facility = 'asino-crb' WHERE id = 'asino-crb-gw01'");
        await FleetAlertTests.StatusAsync(hub, FleetAlertTests.Instruments("tomsk-okb-gw01", now, ("xn-550-1", "up", now.AddHours(-2)), ("bc-5380-1", "down", now.AddMinutes(-3))) with
        {
            ConfigVersion = 3,
            OutboxDepth = 42,
            OldestUnsentAgeSeconds = 125,
        });
        await FleetAlertTests.StatusAsync(hub, new StatusMessage { GatewayId = "asino-crb-gw01", Online = false, At = now.AddMinutes(-20), Version = "1.3.9" });
        for (var i = 1; i <= 55; i++) await hub.Store.UpsertGatewayAsync($"bulk-gw{i:00}", TestHub.Lab);

        // A lab technician is refused, and the refusal is in the audit trail.
        using (var tech = host.NewClient())
        {
            await WebTestHost.SignInAsync(tech, WebTestHost.Technician);
            Assert.Equal(HttpStatusCode.Forbidden, (await tech.GetAsync(new Uri("/fleet", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await tech.GetAsync(new Uri("/fleet/gateways/tomsk-okb-gw01", UriKind.Relative))).StatusCode);
            Assert.Contains(await host.AuditAsync(WebTestHost.Technician), e => e.Action == "refused");
            Assert.DoesNotContain("href=\"/fleet\"", await tech.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        }

        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, Operator);
        var page = await Get(client, "/fleet?q=tomsk");
        Assert.Contains("tomsk-okb-gw01", page, StringComparison.Ordinal);
        Assert.DoesNotContain("asino-crb-gw01", page, StringComparison.Ordinal);
        Assert.Contains("bc-5380-1: ▼ нет связи", page, StringComparison.Ordinal); // link state in words with a symbol
        Assert.Contains("xn-550-1: ▲ связь есть", page, StringComparison.Ordinal);
        Assert.Contains("● на связи", page, StringComparison.Ordinal);
        Assert.Contains("<td>42</td>", page, StringComparison.Ordinal); // outbox depth
        Assert.Contains("2 мин", page, StringComparison.Ordinal); // oldest unsent, aged since the status
        Assert.Contains(now.AddDays(200).UtcDateTime.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture), page, StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(Operator), e => e.Action == "read" && e.ResourceType == "Fleet" && e.StatusCode == 200);

        // Filters: offline; by facility; English fallback.
        var offline = await Get(client, "/fleet?state=offline");
        Assert.Contains("asino-crb-gw01", offline, StringComparison.Ordinal);
        Assert.DoesNotContain("tomsk-okb-gw01", offline, StringComparison.Ordinal);
        Assert.Contains("○ не на связи", offline, StringComparison.Ordinal);
        var facility = await Get(client, "/fleet?facility=tomsk-okb&lang=en");
        Assert.Contains("tomsk-okb-gw01", facility, StringComparison.Ordinal);
        Assert.DoesNotContain("asino-crb-gw01", facility, StringComparison.Ordinal);
        Assert.Contains("Region&#x27;s gateways", facility, StringComparison.Ordinal);

        // Sort by outbox depth, largest first; pages of 50 (58 gateways → 2 pages).
        var sorted = await Get(client, "/fleet?sort=outbox&dir=desc&lang=ru");
        Assert.True(sorted.IndexOf("tomsk-okb-gw01", StringComparison.Ordinal) < sorted.IndexOf("bulk-gw01", StringComparison.Ordinal));
        Assert.Contains("aria-sort=\"descending\"", sorted, StringComparison.Ordinal);
        Assert.Contains("Страница 1 из 2", sorted, StringComparison.Ordinal);
        var second = await Get(client, "/fleet?page=2");
        Assert.Contains("bulk-gw55", second, StringComparison.Ordinal);
        Assert.DoesNotContain("asino-crb-gw01", second, StringComparison.Ordinal); // sorted by id: on page 1
        Assert.Contains("rel=\"prev\"", second, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_gateway_page_shows_its_timeline_sends_commands_and_acknowledges_alerts(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider, TimeProvider.System);
        var hub = host.Hub;
        await WebTestHost.AddPersonAsync(hub, Operator, "Кузнецов И. И.", "region-office", WebRole.FleetOperator);
        var now = DateTimeOffset.UtcNow;
        await FleetAlertTests.StatusAsync(hub, new StatusMessage { GatewayId = TestHub.Gateway, Online = true, At = now.AddMinutes(-30) });
        await FleetAlertTests.StatusAsync(hub, new StatusMessage { GatewayId = TestHub.Gateway, Online = false, At = now.AddMinutes(-20) });
        hub.Time.SetUtcNow(now);
        var alert = Assert.Single((await FleetAlertTests.Monitor(hub).EvaluateAsync(CancellationToken.None)).Raised);

        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, Operator);
        var page = await Get(client, $"/fleet/gateways/{TestHub.Gateway}");
        Assert.Contains("○ пропал со связи", page, StringComparison.Ordinal); // timeline
        Assert.Contains("● вышел на связь", page, StringComparison.Ordinal);
        Assert.Contains("⚠ шлюз не на связи", page, StringComparison.Ordinal); // the open alert
        Assert.Contains(await host.AuditAsync(Operator), e => e.Action == "read" && e.ResourceType == "Gateway" && e.ResourceId == TestHub.Gateway);

        var url = $"/web/fleet/gateways/{TestHub.Gateway}/commands";
        // Without the antiforgery token: refused, nothing queued.
        Assert.Equal(HttpStatusCode.BadRequest, (await WebTestHost.PostFormAsync(client, url, page, "", new() { ["name"] = "ping" }, withToken: false)).StatusCode);
        // Not a command a person may send from the page.
        var refused = await WebTestHost.PostFormAsync(client, url, page, "", new() { ["name"] = "resend" });
        Assert.Contains("Такую команду отсюда отправить нельзя", await client.GetStringAsync(refused.Headers.Location), StringComparison.Ordinal);
        Assert.Empty(await new GatewayCommandStore(hub.Database, hub.Time).ListAsync(TestHub.Gateway));

        var sent = await WebTestHost.PostFormAsync(client, url, page, "", new() { ["name"] = "fetch-logs" });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var commands = new GatewayCommandStore(hub.Database, hub.Time);
        var command = Assert.Single(await commands.ListAsync(TestHub.Gateway));
        Assert.Equal(("fetch-logs", $"user:{Operator}"), (command.Name, command.RequestedBy));
        Assert.Contains(await host.AuditAsync(Operator), e => e.Action == "command" && e.ResourceId == TestHub.Gateway && e.StatusCode == 202);
        // The gateway's reply: its log lines shown as lines.
        await commands.MarkSentAsync(command.Id);
        await commands.CompleteAsync(command.Id, TestHub.Gateway, new CommandReplyMessage
        {
            GatewayId = TestHub.Gateway,
            Name = "fetch-logs",
            Ok = true,
            Text = "2026-12-06T03:00:00Z uplink connected\n2026-12-06T03:00:01Z xn-550-1 link up",
        });
        var after = await client.GetStringAsync(sent.Headers.Location);
        Assert.Contains("Команда поставлена в очередь", after, StringComparison.Ordinal);
        Assert.Contains("Журнал: строк 2", after, StringComparison.Ordinal);
        Assert.Contains("03:00:00Z uplink connected", after, StringComparison.Ordinal);
        Assert.Contains("03:00:01Z xn-550-1 link up</pre>", after, StringComparison.Ordinal);

        var ack = await WebTestHost.PostFormAsync(client, $"/web/fleet/alerts/{alert.Id}/acknowledge", after, "", new() { ["back"] = $"/fleet/gateways/{TestHub.Gateway}" });
        Assert.Equal($"/fleet/gateways/{TestHub.Gateway}?outcome=acknowledged", ack.Headers.Location!.OriginalString);
        Assert.Equal($"user:{Operator}", (await new FleetAlertStore(hub.Database, hub.Time).GetAsync(alert.Id))!.AcknowledgedBy);
        Assert.Contains(await host.AuditAsync(Operator), e => e.Action == "acknowledge" && e.ResourceType == "FleetAlert" && e.StatusCode == 200);
        // Once is enough: a second acknowledgement changes nothing (409 in the audit); an outside "back" is not followed.
        var again = await WebTestHost.PostFormAsync(client, $"/web/fleet/alerts/{alert.Id}/acknowledge", after, "", new() { ["back"] = "https://example.org/" });
        Assert.Equal("/fleet/alerts?outcome=already-acknowledged", again.Headers.Location!.OriginalString);
        Assert.Contains(await host.AuditAsync(Operator), e => e.Action == "acknowledge" && e.StatusCode == 409);
        var alertsPage = await Get(client, "/fleet/alerts");
        Assert.Contains("принято к сведению", alertsPage, StringComparison.Ordinal);
    }

    private static async Task<string> Get(HttpClient client, string url)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
