using System.Text;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>The ingest pipeline and order publishing over a real Mosquitto, the test acting as the lab's gateway.</summary>
public sealed class MosquittoIngestTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Gateway_results_become_rows_and_are_acked_end_to_end_and_orders_reach_the_lab_gateway(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        await using var connection = new HubMqttConnection(new HubMqttOptions { Host = broker.Host, Port = broker.Port, UserName = broker.HubCredentials.UserName, PasswordFile = broker.HubPasswordFile }, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        var pipeline = new IngestPipeline(connection, hub.Writer, new IngestOptions(), TimeProvider.System, NullLogger<IngestPipeline>.Instance);
        await connection.StartAsync(CancellationToken.None);
        await pipeline.StartAsync(CancellationToken.None);
        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker);

        // Referral registered through the real service: the order reaches the lab's gateway over the broker.
        await using var grains = await GrainCluster.StartAsync(hub, broker);
        var service = new ReferralService(hub.Store, hub.Store, hub.Catalog, grains.OrderSignal, hub.Time);
        var registered = await service.RegisterAsync(TestHub.Clinic, new ReferralRequest
        {
            Patient = Patients.Sidorov,
            PractitionerName = "Петров П. П.",
            PerformingLabId = TestHub.Lab,
            Tests = ["WBC", "HGB", "PLT"],
        });
        Assert.True(registered.Succeeded);
        var specimen = registered.Registered!.Specimens.Single().Id;
        await Eventually.TrueAsync(() => gateway.Orders.Any(o => o.SpecimenId == specimen), "order reached the gateway", Timeout);
        var order = gateway.Orders.Single(o => o.SpecimenId == specimen);
        Assert.Equal("upsert", order.Action);
        Assert.Equal("WBC", order.Tests.Single(t => t.Code == "WBC").InstrumentCodes["sysmex-xn"]);

        // The gateway sends results (one twice, as after a lost ack), a garbage payload and an unknown tube.
        await gateway.PublishAsync(Messages.Cbc(1, specimen));
        await gateway.PublishAsync(Messages.Cbc(1, specimen));
        await gateway.PublishAsync(Messages.Cbc(2, "99999"));
        await gateway.PublishAsync(Topics.Results(TestHub.Gateway), Encoding.UTF8.GetBytes("not json"), $"{TestHub.Gateway}:3");
        await gateway.WaitForAcksAsync([1, 2, 3], Timeout);

        var rows = await hub.Store.SearchObservationsAsync(AccessScope.ForOrganization(TestHub.Clinic), new ObservationQuery { PatientId = registered.Registered.Patient.Id });
        Assert.Equal(3, rows.Items.Count);
        Assert.Equal(3, (await hub.Store.ListUnmatchedAsync(AccessScope.Region, new UnmatchedQuery())).Items.Count);
        Assert.Single((await hub.Store.ListQuarantineAsync()).Items);

        // Cancelling sends a cancel for the tube.
        await service.CancelAsync(AccessScope.ForOrganization(TestHub.Clinic), registered.Registered.Referral.Id);
        await Eventually.TrueAsync(() => gateway.Orders.Any(o => o.SpecimenId == specimen && o.Action == "cancel"), "cancel reached the gateway", Timeout);

        // Status (retained) updates the fleet record.
        await gateway.PublishAsync(Topics.Status(TestHub.Gateway), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new StatusMessage { GatewayId = TestHub.Gateway, Online = true, At = Messages.At, OutboxDepth = 0 }, WireJson.Default.StatusMessage), null);
        await Eventually.TrueAsync(async () => (await hub.Store.GetGatewayAsync(TestHub.Gateway))!.Online == true, "gateway shown online", Timeout);
        await pipeline.StopAsync(CancellationToken.None);
        await connection.StopAsync(CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_message_at_the_uplink_limit_passes_the_broker_and_is_stored_and_one_byte_over_is_refused_by_the_broker(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        await using var connection = new HubMqttConnection(new HubMqttOptions { Host = broker.Host, Port = broker.Port, UserName = broker.HubCredentials.UserName, PasswordFile = broker.HubPasswordFile }, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        var pipeline = new IngestPipeline(connection, hub.Writer, new IngestOptions(), TimeProvider.System, NullLogger<IngestPipeline>.Instance);
        await connection.StartAsync(CancellationToken.None);
        await pipeline.StartAsync(CancellationToken.None);
        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id;

        // Padded with a comment to exactly the contract's limit, and to one byte more.
        static ResultMessage Sized(long seq, string specimen, int bytes)
        {
            var bare = Messages.Cbc(seq, specimen) with { Comments = [""] };
            return bare with { Comments = [new string('x', bytes - Messages.Json(bare).Length)] };
        }
        var atLimit = Sized(1, specimen, WireLimits.MaxUplinkPayloadBytes);
        var over = Sized(2, specimen, WireLimits.MaxUplinkPayloadBytes + 1);
        Assert.Equal(WireLimits.MaxUplinkPayloadBytes, Messages.Json(atLimit).Length);
        // The broker's limits (deploy/mosquitto/*.conf) are the contract's: message_size_limit is the largest payload,
        // max_packet_size the hub's Maximum Packet Size. A gateway quarantines a bigger message before publishing it
        // (OutboxStoreTests); any other client's is refused by the broker, and it keeps its connection.
        foreach (var conf in new[] { "edgelab-dev.conf", "edgelab-production.conf" })
        {
            var text = await File.ReadAllTextAsync(Path.Combine(EdgeLabComponents.RepositoryRoot(), "deploy", "mosquitto", conf));
            Assert.Contains($"\nmessage_size_limit {WireLimits.MaxUplinkPayloadBytes}\n", text, StringComparison.Ordinal);
            Assert.Contains($"\nmax_packet_size {WireLimits.HubMaximumPacketSize}\n", text, StringComparison.Ordinal);
        }
        // 0x95 "Packet too large": not among MQTT 5's PUBACK reason codes (§3.4.2.1), but what Mosquitto 2.0.11 sends.
        Assert.Equal(0x95, (int)await gateway.TryPublishAsync(Topics.Results(TestHub.Gateway), Messages.Json(over), over.MessageId));
        await gateway.PublishAsync(atLimit);
        await gateway.WaitForAcksAsync([1], Timeout);

        Assert.Equal(3, (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimen })).Items.Count);
        Assert.Empty((await hub.Store.ListQuarantineAsync()).Items); // the refused one never reached the hub
        await pipeline.StopAsync(CancellationToken.None);
        await connection.StopAsync(CancellationToken.None);
    }
}
