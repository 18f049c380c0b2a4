using System.Globalization;
using Dapper;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Store.Fleet.Rollouts;
using EdgeLab.Hub.Tests.Ingest;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>
/// A rollout is owned by the hub's cluster, not by a node (issue 12 "Scale and tests"): real <c>edgelab-hub</c>
/// processes on PostgreSQL, ten real gateways in-process. Node A is SIGKILLed in the first wave — B, then alone, runs
/// the rollout grain — then B is SIGKILLed in a later wave with C started beside it: C continues and completes the
/// rollout from the rows. Watch periods run on the nodes' real clocks (15 s, so each kill lands inside a wave).
/// </summary>
public sealed class RolloutFailoverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Hub_nodes_killed_mid_rollout_are_replaced_and_the_rollout_completes()
    {
        await using var fleet = await LabFleet.CreateAsync("postgres");
        await using var nodeA = StartNode(fleet, "a");
        await using var nodeB = StartNode(fleet, "b");
        await TwoHubNodesTests.WaitForSubscribedAsync(nodeA);
        await TwoHubNodesTests.WaitForSubscribedAsync(nodeB);
        await fleet.AddGatewaysAsync(10);
        using var next = Analyzer.Start();
        var store = new RolloutStore(fleet.Hub.Database, TimeProvider.System);
        var rollout = await store.StartAsync(new ConfigLayerPayload(new ConfigScope(ConfigScopeKind.Lab, TestHub.Lab), LabFleet.LabLayer(next.Port)),
            new RolloutPlan { Waves = [new RolloutWave(20, null), new RolloutWave(50, null), new RolloutWave(100, null)], WatchSeconds = 15, ReportTimeoutSeconds = 120 }, "it-admin");

        await WaitAsync(store, rollout.Id, r => r.Wave >= 0);
        nodeA.Signal(PosixSignals.SIGKILL);
        await WaitAsync(store, rollout.Id, r => r.Wave >= 1);
        await using var nodeC = StartNode(fleet, "c");
        await TwoHubNodesTests.WaitForSubscribedAsync(nodeC);
        await using (var c = await fleet.Hub.Database.OpenAsync())
            await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM OrleansMembershipTable WHERE Status = 3") >= 2,
                "node C active in the membership table", Timeout);
        Assert.False((await store.GetAsync(rollout.Id))!.IsFinished, "B is killed while the rollout still runs");
        nodeB.Signal(PosixSignals.SIGKILL);

        var done = await WaitAsync(store, rollout.Id, r => r.IsFinished);
        Assert.Equal(RolloutState.Completed, done.State);
        Assert.Equal(10, done.Gateways.Count(g => g.State == RolloutGatewayState.Healthy));
        foreach (var (id, app) in fleet.Gateways)
            await Eventually.TrueAsync(() => app.Runtime.Config.Instruments.Single().Transport.Port == next.Port && app.Runtime.IsUp(LabFleet.Instrument), $"{id} on the new analyzer", Timeout);
    }

    private static async Task<Rollout> WaitAsync(RolloutStore store, string id, Func<Rollout, bool> until)
    {
        Rollout? r = null;
        await Eventually.TrueAsync(async () => until(r = (await store.GetAsync(id))!), "the rollout to get there", Timeout);
        return r!;
    }

    private static ChildProcess StartNode(LabFleet fleet, string name) =>
        EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", "--roles", "ingest", .. fleet.Hub.StorageArguments, .. fleet.Broker.HubArguments,
             "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}", "--silo-port", FreeTcpPort.Next().ToString(CultureInfo.InvariantCulture)], name: "hub-" + name);
}
