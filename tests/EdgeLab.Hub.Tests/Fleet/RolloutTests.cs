using Dapper;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Store.Fleet.Rollouts;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>
/// Configuration rollouts in waves with the lab's health as the success criterion (issue 12 §3), end to end: real
/// Mosquitto, the hub's grains and ingest, ten and more real gateways in-process applying the hub's retained
/// configuration and reporting status. The change moves instrument <c>xn-1</c> of every gateway to another analyzer
/// port, so "healthy" means the gateways' links really came up there. Watch periods and report timeouts run on a fake
/// clock the test advances only once a wave's gateways are all watching.
/// </summary>
public sealed class RolloutTests
{
    private const int WatchSeconds = 60;
    private static readonly ConfigScope LabScope = new(ConfigScopeKind.Lab, TestHub.Lab);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Three_waves_that_stay_healthy_complete_and_every_gateway_runs_the_new_layer()
    {
        await using var fleet = await LabFleet.StartAsync("sqlite", 10);
        using var next = Analyzer.Start();
        var store = new RolloutStore(fleet.Hub.Database, TimeProvider.System);

        var rollout = await store.StartAsync(new ConfigLayerPayload(LabScope, LabFleet.LabLayer(next.Port)), Plan("20%", "50%", "100%"), "it-admin");
        var done = await DriveAsync(fleet, store, rollout.Id, r => r.IsFinished);

        Assert.Equal(RolloutState.Completed, done.State);
        Assert.Equal([2, 3, 5], Enumerable.Range(0, 3).Select(w => done.InWave(w).Count));
        Assert.All(done.Gateways, g => Assert.Equal(RolloutGatewayState.Healthy, g.State));
        foreach (var (id, app) in fleet.Gateways)
        {
            Assert.Equal(next.Port, app.Runtime.Config.Instruments.Single().Transport.Port);
            Assert.True(app.Runtime.IsUp(LabFleet.Instrument), $"{id}: instrument up on the new port");
        }
        // The layer now holds the change; no gateway is pinned any more.
        var layer = (await fleet.Configs.GetLayerAsync(LabScope))!;
        Assert.Equal(2, layer.Revision);
        Assert.Equal(next.Port, layer.Document["instruments"]![0]!["transport"]!["port"]!.GetValue<int>());
        await using (var c = await fleet.Hub.Database.OpenAsync())
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM config_layer_pin"));
        Assert.Equal(["start", "wave-start", "wave-start", "wave-start", "complete"], done.History.Where(h => !h.Action.StartsWith("gateway-", StringComparison.Ordinal)).Select(h => h.Action));
        Assert.Equal(20, done.History.Count(h => h.Action.StartsWith("gateway-", StringComparison.Ordinal))); // watching, then healthy, for each
    }

    [Fact]
    public async Task Links_that_go_down_during_the_watch_stop_the_rollout_and_the_wave_gets_the_previous_version_back()
    {
        await using var fleet = await LabFleet.StartAsync("sqlite", 10);
        var before = (await fleet.Configs.ListStatesAsync()).ToDictionary(s => s.GatewayId, s => s.ReportedVersion);
        var next = Analyzer.Start();
        var store = new RolloutStore(fleet.Hub.Database, TimeProvider.System);

        var rollout = await store.StartAsync(new ConfigLayerPayload(LabScope, LabFleet.LabLayer(next.Port)), Plan("30%", "60%", "100%"), "it-admin");
        var watching = await DriveAsync(fleet, store, rollout.Id, r => r.Wave == 0 && r.InWave(0).All(g => g.State == RolloutGatewayState.Watching), advance: false);
        var wave = watching.InWave(0).Select(g => g.GatewayId).ToList();
        Assert.Equal(3, wave.Count);
        // The analyzer the change points at goes away while the wave is watched: its gateways' links go down.
        next.Dispose();
        var stopped = await DriveAsync(fleet, store, rollout.Id, r => r.IsFinished, advance: false);

        Assert.Equal(RolloutState.Stopped, stopped.State);
        Assert.Contains("error threshold", stopped.Reason, StringComparison.Ordinal);
        Assert.All(stopped.InWave(0), g =>
        {
            Assert.Equal(RolloutGatewayState.RolledBack, g.State);
            Assert.True(g.RollbackVersion > g.DesiredVersion);
        });
        // The first to fail stops the rollout (error threshold 0); the others are rolled back with their wave.
        Assert.Contains(stopped.InWave(0), g => g.Reason!.Contains("unhealthy during the watch period: instrument link(s) xn-1 down", StringComparison.Ordinal));
        Assert.Equal(3, stopped.Gateways.Count);
        // Each gets the previous document as a new version, applies it (its link comes up on the old analyzer) and reports it.
        foreach (var g in stopped.InWave(0))
        {
            var app = fleet.Gateways[g.GatewayId];
            await Eventually.TrueAsync(() => app.Runtime.Config.ConfigVersion == g.RollbackVersion && app.Runtime.IsUp(LabFleet.Instrument), $"{g.GatewayId} back on the old analyzer", Timeout);
            Assert.Equal(fleet.Analyzer.Port, app.Runtime.Config.Instruments.Single().Transport.Port);
            await Eventually.TrueAsync(async () => (await fleet.Configs.GetStateAsync(g.GatewayId))!.ReportedVersion == g.RollbackVersion, $"{g.GatewayId} reports the rollback", Timeout);
        }
        // The other waves never started: their gateways kept what they ran; the layer is unchanged.
        foreach (var s in await fleet.Configs.ListStatesAsync())
        {
            if (!wave.Contains(s.GatewayId)) Assert.Equal(before[s.GatewayId], s.ReportedVersion);
        }
        Assert.Equal(1, (await fleet.Configs.GetLayerAsync(LabScope))!.Revision);
    }

    [Fact]
    public async Task Pause_holds_the_rollout_a_late_joiner_goes_into_the_next_wave_and_abort_rolls_back_the_current_wave()
    {
        await using var fleet = await LabFleet.StartAsync("sqlite", 10);
        using var next = Analyzer.Start();
        var store = new RolloutStore(fleet.Hub.Database, TimeProvider.System);
        var rollout = await store.StartAsync(new ConfigLayerPayload(LabScope, LabFleet.LabLayer(next.Port)), Plan("20%", "60%", "100%"), "it-admin");
        await DriveAsync(fleet, store, rollout.Id, r => r.Wave == 0 && r.InWave(0).All(g => g.State == RolloutGatewayState.Watching), advance: false);

        // Paused: the watch period passes, nothing moves.
        await store.ActAsync(rollout.Id, RolloutAction.Pause, "it-admin");
        fleet.RolloutClock.Advance(TimeSpan.FromSeconds(WatchSeconds + 1));
        await Task.Delay(TimeSpan.FromSeconds(3)); // three sweeps
        var paused = (await store.GetAsync(rollout.Id))!;
        Assert.Equal(RolloutState.Paused, paused.State);
        Assert.All(paused.InWave(0), g => Assert.Equal(RolloutGatewayState.Watching, g.State));

        // A gateway joins the lab meanwhile; resumed, the next wave takes it first.
        await fleet.AddGatewayAsync("lab-1-gw11");
        await store.ActAsync(rollout.Id, RolloutAction.Resume, "it-admin");
        var second = await DriveAsync(fleet, store, rollout.Id, r => r.Wave == 1, advance: false);
        Assert.All(second.InWave(0), g => Assert.Equal(RolloutGatewayState.Healthy, g.State));
        var wave2 = second.InWave(1).Select(g => g.GatewayId).ToList();
        Assert.Equal(5, wave2.Count); // 60 % of 11 = 7, 2 done
        Assert.Contains("lab-1-gw11", wave2);

        // Abort: the second wave gets the previous document back; the first keeps the change.
        var changed = await store.ActAsync(rollout.Id, RolloutAction.Abort, "it-admin");
        Assert.Equal(wave2.Order(), changed.Select(v => v.GatewayId).Order());
        foreach (var v in changed)
        {
            var app = fleet.Gateways[v.GatewayId];
            await Eventually.TrueAsync(() => app.Runtime.Config.ConfigVersion == v.Version && app.Runtime.IsUp(LabFleet.Instrument), $"{v.GatewayId} rolled back", Timeout);
            Assert.Equal(fleet.Analyzer.Port, app.Runtime.Config.Instruments.Single().Transport.Port);
        }
        foreach (var g in second.InWave(0)) Assert.Equal(next.Port, fleet.Gateways[g.GatewayId].Runtime.Config.Instruments.Single().Transport.Port);
        var aborted = (await store.GetAsync(rollout.Id))!;
        Assert.Equal(RolloutState.Aborted, aborted.State);
        Assert.Equal(["it-admin pause", "it-admin resume", "it-admin abort"],
            aborted.History.Where(h => h.Actor == "it-admin" && h.Action is not "start" and not "gateway-rolled-back").Select(h => $"{h.Actor} {h.Action}"));
        Assert.Equal(wave2.Order(), aborted.History.Where(h => h.Actor == "it-admin" && h.Action == "gateway-rolled-back").Select(h => h.GatewayId!).Order());
        var audit = await fleet.Hub.Store.ReadAuditChunkAsync(new AuditPosition(DateTimeOffset.UnixEpoch, 0), null, 10_000);
        Assert.Equal(["rollout-start", "rollout-pause", "rollout-resume", "rollout-abort"], audit.Where(a => a.ResourceId == rollout.Id).Select(a => a.Action));
    }

    private static RolloutPlan Plan(params string[] waves) => new()
    {
        Waves = waves.Select(RolloutWave.Parse).ToList(),
        WatchSeconds = WatchSeconds,
        ReportTimeoutSeconds = 3600,
        SuccessThreshold = 1.0,
        ErrorThreshold = 0,
    };

    /// <summary>
    /// Waits until <paramref name="until"/> holds. With <paramref name="advance"/>, whenever every gateway of the current
    /// wave is watching the fake clock jumps past the watch period — and not before, so a wave never ends early.
    /// </summary>
    private static async Task<Rollout> DriveAsync(LabFleet fleet, RolloutStore store, string id, Func<Rollout, bool> until, bool advance = true)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var r = (await store.GetAsync(id))!;
            if (until(r)) return r;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"rollout {id} did not get there: {r.State}, wave {r.Wave + 1}, {string.Join(", ", r.Gateways.Select(g => $"{g.GatewayId} {g.State} {g.Reason}"))}");
            var wave = r.InWave(r.Wave);
            if (advance && r.State == RolloutState.Running && wave.Count > 0 && wave.All(g => g.State == RolloutGatewayState.Watching))
                fleet.RolloutClock.Advance(TimeSpan.FromSeconds(WatchSeconds + 1));
            await Task.Delay(200);
        }
    }
}
