using System.Globalization;
using System.Net;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Web;

/// <summary>
/// The provenance-violation queue page over plain HTTP, on both databases (issue 13, the fourth queue): the lab whose
/// tube an unregistered gateway wrote about sees the held message, its reason in words and the raw payload, and
/// resolves it with a note; the resolution is stored once, audited and shown in the item's trail.
/// </summary>
public sealed class ProvenanceQueueTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_message_from_an_unregistered_gateway_is_shown_and_resolved_with_a_note(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        var specimen = (await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id;
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen, gateway: "lab-9-gw77", hgb: "5.8"))]);
        var violation = Assert.Single((await host.Hub.Store.ListProvenanceViolationsAsync(AccessScope.Region)).Items);
        var id = violation.Id.ToString(CultureInfo.InvariantCulture);

        using (var registrar = host.NewClient())
        {
            await WebTestHost.SignInAsync(registrar, WebTestHost.Registrar);
            Assert.Equal(HttpStatusCode.Forbidden, (await registrar.GetAsync(new Uri("/queues/provenance", UriKind.Relative))).StatusCode);
        }
        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, WebTestHost.Technician);
        var list = await client.GetStringAsync(new Uri("/queues/provenance?q=gw77", UriKind.Relative));
        Assert.Contains($"/queues/provenance/{id}", list, StringComparison.Ordinal);
        Assert.Contains("шлюз не зарегистрирован", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"/queues/provenance/{id}", await client.GetStringAsync(new Uri("/queues/provenance?q=nothing-like-it", UriKind.Relative)), StringComparison.Ordinal);

        var detail = await client.GetStringAsync(new Uri($"/queues/provenance/{id}", UriKind.Relative));
        Assert.Contains("5.8", detail, StringComparison.Ordinal); // the raw payload, readable
        var empty = await WebTestHost.PostFormAsync(client, $"/queues/provenance/{id}", detail, "resolve-provenance", new() { ["Input.Note"] = " " });
        Assert.Contains("Напишите, что сделано", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await host.Hub.Store.GetProvenanceViolationAsync(AccessScope.Region, violation.Id))!.IsResolved);

        var resolved = await WebTestHost.PostFormAsync(client, $"/queues/provenance/{id}", detail, "resolve-provenance", new() { ["Input.Note"] = "тестовый стенд, не данные пациентов" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Contains("Нарушение закрыто", await resolved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stored = (await host.Hub.Store.GetProvenanceViolationAsync(AccessScope.ForOrganization(TestHub.Lab), violation.Id))!;
        Assert.Equal(("user:" + WebTestHost.Technician, "тестовый стенд, не данные пациентов"), (stored.ResolvedBy, stored.ResolutionNote));
        // The first resolution stands; the open list no longer shows it.
        Assert.False(await host.Hub.Store.ResolveProvenanceViolationAsync(AccessScope.Region, violation.Id, "user:other", "again"));
        Assert.DoesNotContain($"/queues/provenance/{id}\"", await client.GetStringAsync(new Uri("/queues/provenance", UriKind.Relative)), StringComparison.Ordinal);
        var audit = await host.AuditAsync(WebTestHost.Technician);
        Assert.Contains(audit, e => e.Action == "read" && e.ResourceType == "ProvenanceViolation" && e.ResourceId == id);
        Assert.Contains(audit, e => e.Action == "resolve" && e.ResourceType == "ProvenanceViolation" && e.ResourceId == id && e.StatusCode == 422);
        Assert.Contains(audit, e => e.Action == "resolve" && e.ResourceType == "ProvenanceViolation" && e.ResourceId == id && e.StatusCode == 200);
        // Another lab's scope does not see it.
        Assert.Null(await host.Hub.Store.GetProvenanceViolationAsync(AccessScope.ForOrganization("lab-9"), violation.Id));
    }
}
