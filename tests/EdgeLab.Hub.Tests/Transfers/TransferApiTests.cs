using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Transfers;

/// <summary>Issue 15 §1 over HTTP: the send-out workflow with scopes, refusals naming the field, and the audit trail.</summary>
public sealed class TransferApiTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_sending_lab_sends_out_boxes_and_dispatches_and_the_receiving_lab_receives_with_a_0544_condition(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        await host.Hub.Store.UpsertOrganizationAsync(new Organization { Id = "lab-2", Name = "Lab Two", Kind = OrganizationKind.Lab });
        var labB = await ApiTestHost.AddClientAsync(host.Hub, "lab-2-lis", "lab-2", ["system/Task.*", "system/SupplyDelivery.*"]);
        var tube = (await host.Hub.RegisterAsync(["WBC", "HGB"])).Specimens.Single().Id;
        var lab = host.Client(host.LabToken);

        // Without the Task scope: refused. A test the tube does not carry: 422 naming testCodes.
        var (denied, _, _) = await host.Client(host.PatientOnlyToken).PostJsonAsync("/api/transfers", $$"""{"specimenId":"{{tube}}","testCodes":["HGB"],"toLabId":"lab-2"}""");
        Assert.Equal(403, denied);
        var (bad, badBody, _) = await lab.PostJsonAsync("/api/transfers", $$"""{"specimenId":"{{tube}}","testCodes":["GLU"],"toLabId":"lab-2"}""");
        Assert.Equal(422, bad);
        Assert.Contains("testCodes", badBody!.ToJsonString(), StringComparison.Ordinal);

        var (created, sent, _) = await lab.PostJsonAsync("/api/transfers", $$"""{"specimenId":"{{tube}}","testCodes":["HGB"],"toLabId":"lab-2","aliquot":true}""");
        Assert.Equal(201, created);
        var aliquot = sent!["aliquotId"]!.GetValue<string>();
        Assert.Equal(tube, sent["parentSpecimenId"]!.GetValue<string>());
        Assert.Equal("requested", sent["tasks"]![0]!["status"]!.GetValue<string>());

        var (opened, box, _) = await lab.PostJsonAsync("/api/boxes", """{"barcode":"BOX-API-1","toLabId":"lab-2","capacity":5,"temperature":"refrigerated"}""");
        Assert.Equal(201, opened);
        var boxId = box!["id"]!.GetValue<string>();
        Assert.Equal(200, (await lab.PostJsonAsync($"/api/boxes/{boxId}/tubes", $$"""{"barcode":"{{aliquot}}"}""")).Status);
        var (dispatched, manifest, _) = await lab.PostJsonAsync($"/api/boxes/{boxId}/dispatch", "{}");
        Assert.Equal(200, dispatched);
        Assert.Equal("in-transit", manifest!["status"]!.GetValue<string>());
        Assert.Equal(aliquot, manifest["tubes"]![0]!["specimenId"]!.GetValue<string>());

        var (received, receipt, _) = await host.Client(labB).PostJsonAsync("/api/receipts", """{"barcode":"BOX-API-1","condition":"XREF"}""");
        Assert.Equal(200, received);
        Assert.Equal(boxId, receipt!["boxId"]!.GetValue<string>());
        var (_, afterReceipt, _) = await host.Client(labB).FetchAsync($"/api/boxes/{boxId}/manifest");
        Assert.Equal(("received", "XREF"), (afterReceipt!["status"]!.GetValue<string>(), afterReceipt["condition"]!.GetValue<string>()));
        var (_, accepted, _) = await lab.FetchAsync("/api/transfers?status=accepted&owner=lab-2");
        Assert.Single(accepted!["items"]!.AsArray());

        var audit = (await host.Hub.Store.QueryAuditAsync(new AuditQuery())).Items;
        Assert.Contains(audit, e => (e.ResourceType, e.Action, e.ResourceId) == ("SupplyDelivery", "receive", boxId));
        Assert.Contains(audit, e => (e.ResourceType, e.Action, e.StatusCode) == ("Task", "create", 422));
    }
}
