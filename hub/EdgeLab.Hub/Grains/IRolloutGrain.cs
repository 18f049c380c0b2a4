using Orleans.Concurrency;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// One per rollout id (issue 12 §3, "Scale and tests"): the only place a rollout advances, one step at a time. Its
/// durable state is the rollout's rows and its durable timer is the <see cref="GrainWakeup"/> sweep, which wakes every
/// running rollout's grain each second on every node — so when the node running it dies, the grain is activated on a
/// live node by the next sweep and continues from the rows.
/// </summary>
internal interface IRolloutGrain : IGrainWithStringKey
{
    /// <summary>Step the rollout now. Fire and forget; steps queue in the grain, never overlap.</summary>
    [OneWay]
    Task WakeAsync();
}
