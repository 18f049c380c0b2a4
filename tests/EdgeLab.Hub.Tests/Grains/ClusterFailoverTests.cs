using System.Diagnostics;
using System.Globalization;
using Dapper;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Ingest;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using Xunit.Abstractions;

namespace EdgeLab.Hub.Tests.Grains;

/// <summary>
/// Two real <c>edgelab-hub</c> processes form an Orleans cluster on PostgreSQL (ADO.NET membership from migration
/// 0010). The node whose gateway grain holds a gateway's order stream is SIGKILLed while orders are pending: the
/// other node activates the grain, takes the stream over from the dead silo and delivers the orders, in order.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const int Referrals = 8;

    [Fact]
    public async Task Killing_the_node_that_owns_a_gateways_order_stream_hands_its_pending_orders_to_the_other_node_in_order()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync("postgres");
        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker);
        var ports = new[] { FreeTcpPort.Next(), FreeTcpPort.Next() };
        await using var nodeA = StartNode(hub, broker, "a", ports[0]);
        await using var nodeB = StartNode(hub, broker, "b", ports[1]);
        await TwoHubNodesTests.WaitForSubscribedAsync(nodeA);
        await TwoHubNodesTests.WaitForSubscribedAsync(nodeB);
        await using (var c = await hub.Database.OpenAsync())
            await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM OrleansMembershipTable WHERE Status = 3") == 2,
                "both silos active in the membership table", Timeout);

        // Warm-up: the gateway's grain activates on one node and claims the stream.
        var first = (await hub.RegisterAsync(["WBC"])).Specimens.Single().Id;
        await Eventually.TrueAsync(() => Task.FromResult(gateway.Orders.Any(o => o.SpecimenId == first)), "warm-up order delivered", Timeout);
        var owner = await hub.Store.GetOrderStreamOwnerAsync(TestHub.Gateway) ?? throw new InvalidOperationException("no claim after delivery");
        var ownerPort = int.Parse(owner.Split(':')[1].Split('@')[0], CultureInfo.InvariantCulture);
        var (victim, survivor) = ownerPort == ports[0] ? (nodeA, nodeB) : (nodeB, nodeA);
        Assert.Contains(ownerPort, ports);

        // Pending orders (an upsert and a cancel per referral) the owner cannot send: it is frozen (SIGSTOP) while they
        // are written, then killed. The clock starts at the freeze, so the figure includes the writing.
        var clock = Stopwatch.StartNew();
        victim.Signal(PosixSignals.SIGSTOP);
        var specimens = new List<string>();
        for (var i = 0; i < Referrals; i++)
        {
            var registered = await hub.RegisterAsync(["WBC"]);
            specimens.Add(registered.Specimens.Single().Id);
            await hub.Store.CancelReferralAsync(AccessScope.Region, registered.Referral.Id);
        }
        var pendingAtKill = (await hub.Store.ListPendingOrdersAsync(TestHub.Gateway, 100)).Count;
        victim.Signal(PosixSignals.SIGKILL);
        var writing = clock.Elapsed;
        // Written in this order, so their sequence is upsert, cancel of each referral in turn.
        var expected = specimens.SelectMany(s => new[] { (s, "upsert"), (s, "cancel") }).ToList();
        Assert.Equal(expected.Count, pendingAtKill);

        await Eventually.TrueAsync(() => Task.FromResult(specimens.All(s => gateway.Orders.Any(o => o.SpecimenId == s && o.Action == "cancel"))),
            "every pending order delivered by the surviving node", Timeout);
        var failover = clock.Elapsed;
        output.WriteLine($"owner frozen → {expected.Count} orders written ({writing.TotalMilliseconds:F0} ms) → SIGKILL → last order at the gateway: {failover.TotalMilliseconds:F0} ms after the freeze, {(failover - writing).TotalMilliseconds:F0} ms after the kill");
        Assert.True(victim.HasExited);
        Assert.False(survivor.HasExited, survivor.Output);

        // In order: the first arrival of each (specimen, action) follows the outbox sequence, no upsert after its cancel
        // (a repeat is allowed: at least once, applied idempotently by the gateway).
        var received = gateway.Orders.Where(o => specimens.Contains(o.SpecimenId)).Select(o => (o.SpecimenId, o.Action)).ToList();
        Assert.Equal(expected, received.Distinct().ToList());
        foreach (var s in specimens)
        {
            var actions = received.Where(r => r.SpecimenId == s).Select(r => r.Action).ToList();
            Assert.DoesNotContain("upsert", actions.SkipWhile(a => a == "upsert"));
        }
        await Eventually.TrueAsync(async () => (await hub.Store.ListPendingOrdersAsync(100)).Count == 0, "outbox drained", Timeout);
        Assert.NotEqual(owner, await hub.Store.GetOrderStreamOwnerAsync(TestHub.Gateway));
        Assert.True(failover < TimeSpan.FromSeconds(15), $"failover took {failover}");
    }

    private static ChildProcess StartNode(TestHub hub, MosquittoProcess broker, string name, int siloPort) =>
        EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", "--roles", "ingest", .. hub.StorageArguments, .. broker.HubArguments,
             "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}", "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture)], name: "hub-" + name);
}
