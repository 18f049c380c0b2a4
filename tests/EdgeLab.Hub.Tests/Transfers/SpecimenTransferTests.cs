using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Hub.Tests.Transfers;

/// <summary>
/// Issue 15 §1: a tube sent from lab 1 to lab 2 (aliquot, box, dispatch, receipt by lab 2's gateway scan), lab 2's
/// results on lab 1's referral with performer lab 2, a third lab refused by provenance, rejection, overdue alerts.
/// </summary>
public sealed class SpecimenTransferTests
{
    private const string LabB = "lab-2";
    private const string GatewayB = "lab-2-gw01";
    private const string LabC = "lab-3";
    private const string GatewayC = "lab-3-gw01";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Providers => TestHub.Providers;

    private static async Task<(TestHub Hub, TransferStore Transfers)> RegionAsync(string provider)
    {
        var hub = await TestHub.CreateAsync(provider);
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = LabB, Name = "Lab Two", Kind = OrganizationKind.Lab });
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = LabC, Name = "Lab Three", Kind = OrganizationKind.Lab });
        await hub.Store.UpsertGatewayAsync(GatewayB, LabB);
        await hub.Store.UpsertGatewayAsync(GatewayC, LabC);
        return (hub, new TransferStore(hub.Database, hub.Time));
    }

    private static byte[] Scan(string gateway, long sequence, string barcode, string? condition) => JsonSerializer.SerializeToUtf8Bytes(new EventMessage
    {
        MessageId = new MessageId(gateway, Messages.Epoch, sequence).ToString(),
        GatewayId = gateway,
        Sequence = sequence,
        Type = EventTypes.TubeScan,
        At = Messages.At,
        Data = condition is null ? new Dictionary<string, string> { ["specimenId"] = barcode, ["station"] = "reception" }
            : new Dictionary<string, string> { ["specimenId"] = barcode, ["station"] = "reception", ["condition"] = condition },
    }, WireJson.Default.EventMessage);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_aliquot_sent_in_a_box_and_received_by_scan_at_lab_2_gets_lab_2_results_on_the_original_referral_and_a_third_lab_is_refused(string provider)
    {
        var (hub, transfers) = await RegionAsync(provider);
        await using var _ = hub;
        await using var broker = await MosquittoProcess.StartAsync();
        await using var connection = new HubMqttConnection(new HubMqttOptions { Host = broker.Host, Port = broker.Port, UserName = broker.HubCredentials.UserName, PasswordFile = broker.HubPasswordFile }, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        var pipeline = new IngestPipeline(connection, hub.Writer, new IngestOptions(), TimeProvider.System, NullLogger<IngestPipeline>.Instance);
        await connection.StartAsync(CancellationToken.None);
        await pipeline.StartAsync(CancellationToken.None);
        await using var gatewayB = await GatewayPeer.ConnectAsync(GatewayB, broker);
        await using var gatewayC = await GatewayPeer.ConnectAsync(GatewayC, broker);

        // Lab 1 sends the CBC of its tube out to lab 2 in an aliquot, boxes it and dispatches the box.
        var registered = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var tube = registered.Specimens.Single().Id;
        var labA = AccessScope.ForOrganization(TestHub.Lab);
        var sent = await transfers.SendOutAsync(labA, new SendOutRequest(tube, ["WBC", "HGB", "PLT"], LabB, Aliquot: true));
        var aliquot = Assert.IsType<Specimen>(sent.Aliquot);
        Assert.NotEqual(tube, aliquot.Id);
        Assert.Equal(tube, (await hub.Store.GetSpecimenAsync(AccessScope.Region, aliquot.Id))!.ParentId);
        Assert.All(sent.Tasks, t => Assert.Equal((TransferStatus.Requested, aliquot.Id, TestHub.Lab, LabB), (t.Status, t.SpecimenId, t.RequesterLabId, t.OwnerLabId)));
        var box = await transfers.OpenBoxAsync(labA, new NewShipmentBox("BOX-0001", LabB, 2, TemperatureClass.Refrigerated));
        Assert.Equal(3, (await transfers.AddToBoxAsync(labA, box.Id, aliquot.Id)).Count);
        await Assert.ThrowsAsync<StoreValidationException>(() => transfers.AddToBoxAsync(labA, box.Id, "0000000000"));
        Assert.Equal(BoxStatus.InTransit, (await transfers.DispatchAsync(labA, box.Id)).Status);

        // Before receipt lab 2 may not write the tube; a third lab never may.
        await gatewayB.PublishAsync(Messages.Cbc(1, aliquot.Id, gateway: GatewayB));
        await gatewayC.PublishAsync(Messages.Cbc(1, aliquot.Id, gateway: GatewayC));
        await gatewayB.WaitForAcksAsync([1], Timeout);
        await gatewayC.WaitForAcksAsync([1], Timeout);

        // Lab 2's reception scans the box (seal broken, HL7 0544 SB); then its analyzer reports the aliquot.
        await gatewayB.PublishAsync(Topics.Events(GatewayB), Scan(GatewayB, 2, "BOX-0001", "SB"), new MessageId(GatewayB, Messages.Epoch, 2).ToString());
        await gatewayB.PublishAsync(Messages.Cbc(3, aliquot.Id, gateway: GatewayB, hgb: "12.9"));
        await gatewayC.PublishAsync(Messages.Cbc(2, aliquot.Id, gateway: GatewayC, hgb: "99"));
        await gatewayB.WaitForAcksAsync([2, 3], Timeout);
        await gatewayC.WaitForAcksAsync([2], Timeout);

        var received = (await transfers.GetBoxAsync(labA, box.Id))!;
        Assert.Equal((BoxStatus.Received, "SB", "gateway:" + GatewayB), (received.Status, received.Condition, received.ReceivedBy));
        var tasks = await transfers.SearchAsync(labA, new TransferQuery { ReferralId = registered.Referral.Id });
        Assert.All(tasks, t => Assert.Equal(TransferStatus.Completed, t.Status));

        // The results are on lab 1's referral, visible to the ordering clinic, performed by lab 2; nothing from lab 3.
        var clinic = AccessScope.ForOrganization(TestHub.Clinic);
        var results = (await hub.Store.SearchObservationsAsync(clinic, new ObservationQuery { ReferralId = registered.Referral.Id })).Items;
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal((LabB, aliquot.Id), (r.PerformingLabId, r.SpecimenId)));
        Assert.Equal("12.9", results.Single(r => r.CatalogCode == "HGB").Value);
        var report = Assert.Single(await hub.Store.ListReportsAsync(clinic, new ReportQuery { ReferralId = registered.Referral.Id }), r => r.PerformingLabId == LabB);
        Assert.Equal(3, report.ResultIds.Count);
        // On FHIR each Task is completed with results returned; its output names that very report and the box's 0544 condition.
        var fhirTask = EdgeLab.Hub.Fhir.Mapping.TransferMapper.ToFhir(tasks[0]);
        Assert.Equal(("completed", "results-returned"), (fhirTask.Status, fhirTask.BusinessStatus!.Coding![0].Code));
        Assert.Contains(fhirTask.Output!, o => o.ValueReference?.ReferenceValue == $"DiagnosticReport/{report.Id}");
        Assert.Contains(fhirTask.Output!, o => o.ValueCodeableConcept?.Coding?[0].Code == "SB");
        var refused = (await hub.Store.ListProvenanceViolationsAsync(AccessScope.Region)).Items;
        Assert.Equal(3, refused.Count);
        Assert.Equal(2, refused.Count(v => v.GatewayId == GatewayC && v.Reason == ProvenanceReason.ForeignSpecimen));
        Assert.Single(refused, v => v.GatewayId == GatewayB);
        await pipeline.StopAsync(CancellationToken.None);
        await connection.StopAsync(CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_tube_refused_at_lab_2_is_unsatisfactory_and_its_task_rejected_before_receipt_or_failed_after_and_the_sender_sees_why(string provider)
    {
        var (hub, transfers) = await RegionAsync(provider);
        await using var _ = hub;
        var labA = AccessScope.ForOrganization(TestHub.Lab);
        var labB = AccessScope.ForOrganization(LabB);

        var first = await hub.RegisterAsync(["WBC", "HGB"]);
        var task = (await transfers.SendOutAsync(labA, new SendOutRequest(first.Specimens.Single().Id, ["HGB"], LabB, Aliquot: false))).Tasks.Single();
        // Only the owner rejects; the sender cannot, and a reason is required.
        await Assert.ThrowsAsync<StoreValidationException>(() => transfers.RejectAsync(labA, task.Id, "haemolysed"));
        await Assert.ThrowsAsync<StoreValidationException>(() => transfers.RejectAsync(labB, task.Id, " "));
        var rejected = Assert.Single(await transfers.RejectAsync(labB, task.Id, "haemolysed"));
        Assert.Equal((TransferStatus.Rejected, "haemolysed"), (rejected.Status, rejected.StatusReason));
        var seenBySender = Assert.Single(await transfers.SearchAsync(labA, new TransferQuery { RequesterLabId = TestHub.Lab, Status = TransferStatus.Rejected }));
        Assert.Equal("haemolysed", seenBySender.StatusReason);
        Assert.Equal(SpecimenStatus.Unsatisfactory, (await hub.Store.GetSpecimenAsync(labA, task.SpecimenId))!.Status);
        await Assert.ThrowsAsync<StoreValidationException>(() => transfers.SendOutAsync(labA, new SendOutRequest(task.SpecimenId, ["WBC"], LabB, Aliquot: true)));

        // Received first (by the API, as a reception desk without a scanner), then found unusable: failed.
        var second = await hub.RegisterAsync(["WBC", "HGB"], Patients.Sidorov);
        var tube = second.Specimens.Single().Id;
        var later = (await transfers.SendOutAsync(labA, new SendOutRequest(tube, ["WBC"], LabB, Aliquot: false))).Tasks.Single();
        await Assert.ThrowsAsync<StoreValidationException>(() => transfers.ReceiveAsync(labB, tube, "NOT-0544", "user:reception"));
        Assert.Equal([later.Id], (await transfers.ReceiveAsync(labB, tube, "CL", "user:reception")).AcceptedTaskIds);
        Assert.Equal(TransferStatus.Failed, Assert.Single(await transfers.RejectAsync(labB, later.Id, "clotted")).Status);
        Assert.Equal(SpecimenStatus.Unsatisfactory, (await hub.Store.GetSpecimenAsync(AccessScope.Region, tube))!.Status);
        // A third lab sees neither Task.
        Assert.Empty(await transfers.SearchAsync(AccessScope.ForOrganization(LabC), new TransferQuery()));
        Assert.Null(await transfers.GetAsync(AccessScope.ForOrganization(LabC), later.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_box_not_received_in_time_and_results_not_back_in_time_each_raise_one_alert_for_the_sender(string provider)
    {
        var (hub, transfers) = await RegionAsync(provider);
        await using var _ = hub;
        var labA = AccessScope.ForOrganization(TestHub.Lab);
        var registered = await hub.RegisterAsync(["WBC", "HGB"]);
        var tube = registered.Specimens.Single().Id;
        var task = (await transfers.SendOutAsync(labA, new SendOutRequest(tube, ["HGB"], LabB, Aliquot: false))).Tasks.Single();
        var box = await transfers.OpenBoxAsync(labA, new NewShipmentBox("BOX-0002", LabB, 10, TemperatureClass.Ambient));
        await transfers.AddToBoxAsync(labA, box.Id, tube);
        await transfers.DispatchAsync(labA, box.Id);

        hub.Time.Advance(transfers.Deadlines.Shipment - TimeSpan.FromMinutes(1));
        Assert.Empty(await transfers.RaiseOverdueAsync());
        hub.Time.Advance(TimeSpan.FromMinutes(1));
        var shipment = Assert.Single(await transfers.RaiseOverdueAsync());
        Assert.Equal((TransferAlertKind.ShipmentOverdue, box.Id, TestHub.Lab), (shipment.Kind, shipment.SubjectId, shipment.LabId));
        Assert.Empty(await transfers.RaiseOverdueAsync()); // raised once

        // Late, but received: the results clock starts at receipt.
        await transfers.ReceiveAsync(AccessScope.ForOrganization(LabB), "BOX-0002", null, "user:reception");
        hub.Time.Advance(transfers.Deadlines.Results);
        var results = Assert.Single(await transfers.RaiseOverdueAsync());
        Assert.Equal((TransferAlertKind.ResultsOverdue, task.Id), (results.Kind, results.SubjectId));
        Assert.Equal([shipment.Id, results.Id], (await transfers.ListAlertsAsync(labA)).Select(a => a.Id));
        Assert.Empty(await transfers.ListAlertsAsync(AccessScope.ForOrganization(LabB)));
    }
}
