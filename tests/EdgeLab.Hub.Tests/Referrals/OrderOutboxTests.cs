using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Referrals;

/// <summary>
/// The durable order outbox: written with the referral change, published by each gateway's grain (Orleans TestingHost)
/// over a real Mosquitto, a row deleted after its PUBACK.
/// </summary>
public sealed class OrderOutboxTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Referral_changes_queue_their_orders_in_the_same_transaction_in_order_and_once(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var registered = await hub.RegisterAsync(["WBC", "GLU"]);
        var upserts = await hub.Store.ListPendingOrdersAsync(100);
        Assert.Equal(registered.Specimens.Select(s => s.Id).Order(), upserts.Select(o => o.SpecimenId).Order());
        Assert.All(upserts, o => Assert.Equal((TestHub.Gateway, "upsert", registered.Referral.Id), (o.GatewayId, o.Action, o.ReferralId)));
        var message = JsonSerializer.Deserialize(upserts[0].Payload, WireJson.Default.OrderMessage)!;
        Assert.Equal((upserts[0].SpecimenId, "upsert", registered.Patient.Id), (message.SpecimenId, message.Action, message.Patient!.Id));

        // A repeat registration (same external id) and a repeat cancel queue nothing more.
        await hub.Store.CancelReferralAsync(AccessScope.Region, registered.Referral.Id);
        await hub.Store.CancelReferralAsync(AccessScope.Region, registered.Referral.Id);
        var all = await hub.Store.ListPendingOrdersAsync(100);
        Assert.Equal(4, all.Count);
        Assert.Equal(all.Select(o => o.Seq).Order(), all.Select(o => o.Seq));
        Assert.Equal(["upsert", "upsert", "cancel", "cancel"], all.Select(o => o.Action));

        // A referral the caller may not see is not cancelled and queues nothing.
        Assert.Null(await hub.Store.CancelReferralAsync(AccessScope.ForOrganization(TestHub.OtherClinic), registered.Referral.Id));
        Assert.Equal(4, (await hub.Store.ListPendingOrdersAsync(100)).Count);

        await hub.Store.DeleteOrderAsync(all[0].Seq);
        Assert.Equal(all.Skip(1).Select(o => o.Seq), (await hub.Store.ListPendingOrdersAsync(100)).Select(o => o.Seq));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Stat_orders_leave_the_outbox_before_routine_ones_queued_earlier(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var routine = (await hub.TryRegisterAsync(["WBC"])).Registered!;
        var stat = (await hub.TryRegisterAsync(["GLU"], Patients.Sidorov, priority: "stat")).Registered!;
        await hub.Store.CancelReferralAsync(AccessScope.Region, stat.Referral.Id);

        var pending = await hub.Store.ListPendingOrdersAsync(100);
        Assert.Equal([(stat.Referral.Id, "upsert"), (stat.Referral.Id, "cancel"), (routine.Referral.Id, "upsert")],
            pending.Select(o => (o.ReferralId, o.Action)));
        // The gateway grain's stream reads its gateway's rows the same way.
        var stream = await hub.Store.ListPendingOrdersAsync(TestHub.Gateway, 100);
        Assert.Equal(pending.Where(o => o.GatewayId == TestHub.Gateway).Select(o => o.Seq), stream.Select(o => o.Seq));
        Assert.Equal(stat.Referral.Id, stream[0].ReferralId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task One_activation_at_a_time_holds_a_gateways_stream_until_it_expires_or_its_silo_is_dead(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var claim = TimeSpan.FromSeconds(30);
        Assert.True(await hub.Store.TryClaimOrderStreamAsync("gw-1", "silo-a", claim, null));
        Assert.False(await hub.Store.TryClaimOrderStreamAsync("gw-1", "silo-b", claim, null));
        Assert.True(await hub.Store.TryClaimOrderStreamAsync("gw-2", "silo-b", claim, null)); // per gateway, not one lease
        hub.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await hub.Store.TryClaimOrderStreamAsync("gw-1", "silo-a", claim, null)); // renewed until t+50 s
        hub.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(await hub.Store.TryClaimOrderStreamAsync("gw-1", "silo-b", claim, null));
        Assert.False(await hub.Store.TryClaimOrderStreamAsync("gw-1", "silo-b", claim, deadOwner: "silo-c")); // c holds nothing
        Assert.Equal("silo-a", await hub.Store.GetOrderStreamOwnerAsync("gw-1"));
        // Membership declared silo-a dead: taken over before the claim expires.
        Assert.True(await hub.Store.TryClaimOrderStreamAsync("gw-1", "silo-b", claim, deadOwner: "silo-a"));
        Assert.False(await hub.Store.TryClaimOrderStreamAsync("gw-1", "silo-a", claim, null));
        hub.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(await hub.Store.GetOrderStreamOwnerAsync("gw-1"));
        Assert.True(await hub.Store.TryClaimOrderStreamAsync("gw-1", "silo-a", claim, null)); // expired
        await hub.Store.ReleaseOrderStreamAsync("gw-1", "silo-b"); // not the holder: no effect
        Assert.Equal("silo-a", await hub.Store.GetOrderStreamOwnerAsync("gw-1"));
        await hub.Store.ReleaseOrderStreamAsync("gw-1", "silo-a");
        Assert.True(await hub.Store.TryClaimOrderStreamAsync("gw-1", "silo-b", claim, null));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Orders_written_while_the_broker_is_down_reach_the_gateway_in_order_once_it_is_back(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        // The gateway's session outlives the broker restart, so it gets the orders whenever the hub sends them.
        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker, persistentSession: true);
        await using var grains = await GrainCluster.StartAsync(hub, broker);
        var service = new ReferralService(hub.Store, hub.Store, hub.Catalog, grains.OrderSignal, hub.Time);

        await broker.StopAsync();
        var registered = await service.RegisterAsync(TestHub.Clinic, new ReferralRequest
        {
            Patient = Patients.Sidorov,
            PractitionerName = "Петров П. П.",
            PerformingLabId = TestHub.Lab,
            Tests = ["WBC", "HGB"],
        });
        Assert.True(registered.Succeeded);
        var specimen = registered.Registered!.Specimens.Single().Id;
        Assert.NotNull(await service.CancelAsync(AccessScope.ForOrganization(TestHub.Clinic), registered.Registered.Referral.Id));
        // Nothing could be sent: both orders wait in the database, upsert first.
        Assert.Equal(["upsert", "cancel"], (await hub.Store.ListPendingOrdersAsync(100)).Select(o => o.Action));
        Assert.Empty(gateway.Orders);

        await broker.RestartAsync();
        await Eventually.TrueAsync(async () => (await hub.Store.ListPendingOrdersAsync(100)).Count == 0, "order outbox drained", Timeout);
        await Eventually.TrueAsync(() => Task.FromResult(gateway.Orders.Any(o => o.Action == "cancel")), "cancel reached the gateway", Timeout);
        // At least once, so a repeat is allowed; the order is not: every upsert before the first cancel, cancel last.
        var actions = gateway.Orders.Where(o => o.SpecimenId == specimen).Select(o => o.Action).ToList();
        Assert.Equal("upsert", actions[0]);
        Assert.Equal("cancel", actions[^1]);
        Assert.DoesNotContain("upsert", actions.SkipWhile(a => a == "upsert"));

        // The gateway's grain published them (one activation, on the test cluster's silo).
        Assert.True((await grains.Grains.GetGrain<IGatewayGrain>(TestHub.Gateway).GetStatusAsync()).PublishedOrders >= 2);

        // Graceful shutdown deactivates the grain, which hands the stream over: no claim is left behind.
        Assert.NotNull(await hub.Store.GetOrderStreamOwnerAsync(TestHub.Gateway));
        await grains.Cluster.StopAllSilosAsync();
        Assert.Null(await hub.Store.GetOrderStreamOwnerAsync(TestHub.Gateway));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_gateway_the_broker_refuses_holds_back_only_its_own_orders(string provider)
    {
        // The broker's ACL lets the hub use lab-1-gw01's subtree only: orders to lab-1-gw02 get PUBACK 0x87.
        const string Config = "user root\nlistener {{PORT}} 127.0.0.1\nallow_anonymous false\npassword_file {{DATA}}/passwd\nacl_file {{DATA}}/acl\nlog_dest stderr\nlog_type error\n";
        await using var broker = await MosquittoProcess.StartAsync(Config, new Dictionary<string, string>
        {
            ["acl"] = $"user {MosquittoProcess.HubUserName}\ntopic readwrite edgelab/v1/gw/{TestHub.Gateway}/#\n\npattern readwrite edgelab/v1/gw/%u/#\n",
        });
        await using var hub = await TestHub.CreateAsync(provider);
        const string Refused = "lab-1-gw02";
        await hub.Store.UpsertGatewayAsync(Refused, TestHub.Lab);
        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker);
        await using var grains = await GrainCluster.StartAsync(hub, broker);
        var service = new ReferralService(hub.Store, hub.Store, hub.Catalog, grains.OrderSignal, hub.Time);

        var registered = await service.RegisterAsync(TestHub.Clinic, new ReferralRequest
        {
            Patient = Patients.Sidorov,
            PractitionerName = "Петров П. П.",
            PerformingLabId = TestHub.Lab,
            Tests = ["WBC"],
        });
        Assert.NotNull(await service.CancelAsync(AccessScope.ForOrganization(TestHub.Clinic), registered.Registered!.Referral.Id));

        // Rows alternate gw01, gw02 by seq; gw02's refused upsert must not hold back gw01's cancel.
        await Eventually.TrueAsync(() => Task.FromResult(gateway.Orders.Any(o => o.Action == "cancel")), "cancel reached lab-1-gw01", Timeout);
        Assert.Equal("upsert", gateway.Orders.First().Action);
        await Eventually.TrueAsync(async () => (await hub.Store.ListPendingOrdersAsync(100)).All(o => o.GatewayId == Refused), "lab-1-gw01's rows deleted", Timeout);
        Assert.Equal(["upsert", "cancel"], (await hub.Store.ListPendingOrdersAsync(100)).Select(o => o.Action));

        // The gateway's grain published them (one activation, on the test cluster's silo).
        Assert.True((await grains.Grains.GetGrain<IGatewayGrain>(TestHub.Gateway).GetStatusAsync()).PublishedOrders >= 2);
    }

}
