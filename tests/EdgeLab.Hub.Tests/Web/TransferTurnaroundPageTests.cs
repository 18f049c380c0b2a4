using System.Net;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Web;

/// <summary>
/// The send-out turnaround page under the lab console (issue 15 §1), over plain HTTP on both databases: a box dispatched
/// and received 6 h later shows p50/p90 6.0 h on its route, the leg without a result says so in words, a clinic's
/// registrar is refused, a bad date is named, and the view is audited.
/// </summary>
public sealed class TransferTurnaroundPageTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_lab_sees_turnaround_per_route_for_the_dispatch_days_it_asks_for(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        var hub = host.Hub;
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = "lab-2", Name = "Лаборатория Б", Kind = OrganizationKind.Lab });
        var transfers = new TransferStore(hub.Database, hub.Time);
        var labA = AccessScope.ForOrganization(TestHub.Lab);
        var tube = (await hub.RegisterAsync(["WBC", "HGB"])).Specimens.Single().Id;
        await transfers.SendOutAsync(labA, new SendOutRequest(tube, ["HGB"], "lab-2", Aliquot: false));
        var box = await transfers.OpenBoxAsync(labA, new NewShipmentBox("BOX-TAT-1", "lab-2", 5, TemperatureClass.Ambient));
        await transfers.AddToBoxAsync(labA, box.Id, tube);
        await transfers.DispatchAsync(labA, box.Id);
        hub.Time.Advance(TimeSpan.FromHours(6));
        await transfers.ReceiveAsync(AccessScope.ForOrganization("lab-2"), "BOX-TAT-1", null, "lab-2-lis");

        using var registrar = host.NewClient();
        await WebTestHost.SignInAsync(registrar, WebTestHost.Registrar);
        Assert.Equal(HttpStatusCode.Forbidden, (await registrar.GetAsync(new Uri("/transfers/turnaround", UriKind.Relative))).StatusCode);

        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, WebTestHost.Technician);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("/transfers/turnaround?from=2026-11-21&to=2026-11-21", UriKind.Relative)));
        Assert.Contains("Сроки выполнения по маршрутам передачи", page, StringComparison.Ordinal);
        Assert.Contains("lab-1 → lab-2", page, StringComparison.Ordinal);
        Assert.Contains("p50 6.0 ч · p90 6.0 ч (n = 1)", page, StringComparison.Ordinal);
        Assert.Contains("ещё нет", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/transfers/turnaround\"", page, StringComparison.Ordinal);

        var later = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("/transfers/turnaround?from=2026-11-22&to=2026-11-30", UriKind.Relative)));
        Assert.Contains("За этот период пробы не отправлялись.", later, StringComparison.Ordinal);
        var bad = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("/transfers/turnaround?from=21.11.2026", UriKind.Relative)));
        Assert.Contains("Дата должна быть в формате ГГГГ-ММ-ДД.", bad, StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(WebTestHost.Technician), e => e.Action == "read" && e.ResourceType == "TransferTurnaround" && e.StatusCode == 200);
    }
}
