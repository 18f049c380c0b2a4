using EdgeLab.Hub.Store.Fleet.Rollouts;

namespace EdgeLab.Hub.Fleet.Rollouts;

/// <summary>
/// Which gateways a wave takes (pure). Read from the target as it is when the wave starts, so a gateway added to the
/// target after the rollout started is taken by the next wave (a hawkBit users' request, issue 12 §3); one that joins
/// during the last wave gets a catch-up wave of its own before the rollout completes.
/// </summary>
internal static class WavePicker
{
    /// <param name="wave">0-based; at or past the plan's last wave: every gateway not yet taken.</param>
    /// <param name="initial">The target's gateways when the rollout started: any other joined later and goes first.</param>
    public static IReadOnlyList<TargetGateway> Pick(RolloutPlan plan, int wave, IReadOnlyList<TargetGateway> target, IReadOnlySet<string> taken, IReadOnlyCollection<string> initial)
    {
        var free = target.Where(g => !taken.Contains(g.GatewayId))
            .OrderBy(g => initial.Contains(g.GatewayId) ? 1 : 0).ThenBy(g => g.GatewayId, StringComparer.Ordinal).ToList();
        if (wave >= plan.Waves.Count - 1) return free;
        var spec = plan.Waves[wave];
        if (spec.Label is { } label) return free.Where(g => g.Labels.Contains(label, StringComparer.Ordinal)).ToList();
        // Cumulative share of the target now: 30% of 10 → 3 have it once this wave is done (at least one per wave).
        var want = Math.Max(1, (int)Math.Ceiling(target.Count * spec.Percent!.Value / 100.0)) - target.Count(g => taken.Contains(g.GatewayId));
        return free.Take(Math.Max(0, want)).ToList();
    }
}
