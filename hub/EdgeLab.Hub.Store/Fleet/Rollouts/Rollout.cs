namespace EdgeLab.Hub.Store.Fleet.Rollouts;

/// <summary>A rollout as stored: what it changes, how, where it stands, each gateway it took and its history.</summary>
public sealed record Rollout(
    string Id, RolloutPayload Payload, RolloutPlan Plan, IReadOnlyList<string> InitialTarget, RolloutState State, int Wave, DateTimeOffset? WaveStartedAt, string? Reason,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt,
    IReadOnlyList<RolloutGateway> Gateways, IReadOnlyList<RolloutHistoryEntry> History)
{
    /// <summary>The gateways of wave <paramref name="wave"/> (0-based).</summary>
    public IReadOnlyList<RolloutGateway> InWave(int wave) => Gateways.Where(g => g.Wave == wave).ToList();

    /// <summary>The number of waves shown: the plan's, plus a catch-up wave for gateways that joined the target during the last.</summary>
    public int WaveCount => Math.Max(Plan.Waves.Count, Wave + 1);

    public bool IsFinished => State is RolloutState.Completed or RolloutState.Stopped or RolloutState.Aborted;
}

/// <summary>
/// One gateway in a rollout. The baseline is what it reported before the change — the instruments whose link was up,
/// its outbox depth, the last event the hub had from it — and is what "still healthy" is measured against.
/// </summary>
public sealed record RolloutGateway(
    string GatewayId, int Wave, RolloutGatewayState State, long? DesiredVersion, IReadOnlyList<string> BaselineLinksUp, long? BaselineOutboxDepth,
    long BaselineEventId, DateTimeOffset StartedAt, DateTimeOffset? ReportedAt, DateTimeOffset? WatchUntil, string? Reason, long? RollbackVersion)
{
    public bool InProgress => State is RolloutGatewayState.Applying or RolloutGatewayState.Watching;
}

/// <summary>One entry of a rollout's history: a person's action or a state change.</summary>
public sealed record RolloutHistoryEntry(int Seq, DateTimeOffset At, string Actor, string Action, string? GatewayId, string? Text);

/// <summary>A gateway a new wave takes, with its baseline (see <see cref="RolloutGateway"/>).</summary>
public sealed record WaveMember(string GatewayId, IReadOnlyList<string> BaselineLinksUp, long? BaselineOutboxDepth, long BaselineEventId);

/// <summary>A gateway of the rollout's target as the engine picks waves from it.</summary>
public sealed record TargetGateway(string GatewayId, IReadOnlyList<string> Labels, string? StatusJson);

/// <summary>What the hub knows of a gateway since its baseline: its retained status and the events that matter to a rollout.</summary>
public sealed record GatewayObservation(string GatewayId, string? StatusJson, bool? Online, int QuarantinedSinceBaseline, IReadOnlyList<(long Version, string Text)> RejectedSinceBaseline);

/// <summary>A person's action on a rollout.</summary>
public enum RolloutAction
{
    Pause,
    Resume,
    Abort,
}
