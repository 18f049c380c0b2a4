using System.Globalization;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Store.Fleet.Rollouts;

namespace EdgeLab.Hub.Fleet.Rollouts;

/// <summary>
/// One step of a rollout (issue 12 §3), run by its grain whenever the sweep wakes it: look at the current wave's gateways
/// (<see cref="GatewayHealth"/>), stop and roll the wave back when failures pass the error threshold, and once every
/// gateway of the wave is decided either roll back its failures and start the next wave (success threshold met) or stop
/// and roll the wave back. Everything it knows is in the tables (<see cref="RolloutStore"/>) and every write is guarded
/// by the state it read, so a step repeated by a second activation, or by the node that takes over after a crash, does
/// no harm. Time comes from the injected clock (watch periods and report timeouts in tests run on a fake one).
/// </summary>
internal sealed class RolloutEngine(RolloutStore store, TimeProvider time)
{
    /// <summary>Runs one step; returns the gateways whose desired version changed (their grains publish it).</summary>
    public async Task<IReadOnlyList<DesiredVersion>> StepAsync(string id, CancellationToken cancellationToken)
    {
        var rollout = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (rollout is not { State: RolloutState.Running }) return [];
        var now = time.GetUtcNow();
        var wave = rollout.InWave(rollout.Wave);
        var current = new List<RolloutGateway>();
        foreach (var gateway in wave)
        {
            if (!gateway.InProgress)
            {
                current.Add(gateway);
                continue;
            }
            var seen = await store.ObserveAsync(gateway.GatewayId, gateway.BaselineEventId, cancellationToken).ConfigureAwait(false);
            if (GatewayHealth.Evaluate(gateway, seen, rollout.Plan, now) is { } verdict)
            {
                await store.UpdateGatewayAsync(id, gateway.GatewayId, gateway.State, verdict.State, verdict.ReportedAt, verdict.WatchUntil, verdict.Reason, cancellationToken).ConfigureAwait(false);
                current.Add(gateway with { State = verdict.State });
            }
            else
            {
                current.Add(gateway);
            }
        }
        var waveName = (rollout.Wave + 1).ToString(CultureInfo.InvariantCulture);
        var failed = current.Count(g => g.State == RolloutGatewayState.Failed);
        if (current.Count > 0 && failed > rollout.Plan.ErrorThreshold * current.Count)
            return await store.RollBackAsync(id, null, "rolled back with its wave",
                $"error threshold: {failed} of {current.Count} gateway(s) in wave {waveName} failed (more than {rollout.Plan.ErrorThreshold:P0})", cancellationToken).ConfigureAwait(false);
        if (current.Any(g => g.InProgress)) return [];
        var changed = new List<DesiredVersion>();
        if (current.Count > 0)
        {
            var healthy = current.Count(g => g.State == RolloutGatewayState.Healthy);
            if (healthy < rollout.Plan.SuccessThreshold * current.Count)
                return await store.RollBackAsync(id, null, "rolled back with its wave",
                    $"success threshold: {healthy} of {current.Count} gateway(s) in wave {waveName} healthy (below {rollout.Plan.SuccessThreshold:P0})", cancellationToken).ConfigureAwait(false);
            var failures = current.Where(g => g.State == RolloutGatewayState.Failed).Select(g => g.GatewayId).ToList();
            if (failures.Count > 0)
                changed.AddRange(await store.RollBackAsync(id, failures, "failed its health check; the wave passed its success threshold", null, cancellationToken).ConfigureAwait(false));
        }
        // The next wave, read from the target as it is now (late joiners included).
        var config = (ConfigLayerPayload)rollout.Payload;
        var target = await store.ListTargetAsync(config.Scope, cancellationToken).ConfigureAwait(false);
        var taken = rollout.Gateways.Select(g => g.GatewayId).ToHashSet(StringComparer.Ordinal);
        var next = rollout.Wave + 1;
        var picked = WavePicker.Pick(rollout.Plan, next, target, taken, rollout.InitialTarget.ToHashSet(StringComparer.Ordinal));
        if (picked.Count == 0 && next >= rollout.Plan.Waves.Count)
        {
            changed.AddRange(await store.CompleteAsync(id, cancellationToken).ConfigureAwait(false));
            return changed;
        }
        var members = new List<WaveMember>();
        foreach (var g in picked)
        {
            var (links, outbox) = GatewayHealth.Baseline(g.StatusJson);
            members.Add(new WaveMember(g.GatewayId, links, outbox, await store.LastEventIdAsync(g.GatewayId, cancellationToken).ConfigureAwait(false)));
        }
        changed.AddRange(await store.StartWaveAsync(id, next, members, cancellationToken).ConfigureAwait(false) ?? []);
        return changed;
    }
}
